/**
 * No session token in form URLs, links or the access log (issue 22: `id_token` appeared in the
 * access log and in form actions). The built app under remix-serve (its access log is the app
 * process's output), inside the sandbox admin: every admin page's server HTML is read as the
 * admin's first load gets it (with `id_token` in the URL), every page's forms and links are read
 * in the browser after hydration, a form is submitted, and the whole log is scanned for a token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { SANDBOX_SHOP_DOMAIN } from "../../sandbox";
import { embeddedAppUrl } from "../../sandbox/admin/page";
import { reportFigure } from "../support/chaos-figures";
import { browserAvailability, goTo, openEmbeddedAdmin, waitForHydration, type EmbeddedAdmin } from "./support/browser";

const availability = browserAvailability();
if (availability.notice) console.warn(availability.notice);

/** Every page of the app's navigation (app/routes/app.tsx) and the ones reached from them, listed by hand. */
const PAGES = ["/app", "/app/rules", "/app/channels", "/app/holds", "/app/policy", "/app/inventory", "/app/activity", "/app/sync", "/app/webhooks", "/app/settings", "/app/rules/import"];

/** The admin's browser opening the frame (the library refuses bots with 410). */
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36", "Sec-Fetch-Dest": "iframe" };

/** A session token: a JWT (three base64url parts, the first `{"` encoded). */
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;

/** `action`/`href`/`src` attributes of the HTML that carry a session token. */
const tokenAttributes = (html: string) => [...html.matchAll(/\b(?:action|href|src)="([^"]*)"/g)].map((match) => match[1]!).filter((value) => /id_token=|eyJ[\w-]{8,}\./.test(value));

describe.skipIf(!availability.available)("session tokens stay out of URLs and the access log", { timeout: 120_000 }, () => {
  let admin: EmbeddedAdmin | undefined;
  let page: Page;

  beforeAll(async () => {
    admin = await openEmbeddedAdmin();
    ({ page } = admin);
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  it("no page's server HTML has a form action or link with the token it was opened with", async () => {
    const { stack } = admin!;
    const exposed: Record<string, string[]> = {};
    for (const path of PAGES) {
      const idToken = stack.sandbox.mintSessionToken();
      const response = await fetch(embeddedAppUrl({ appUrl: stack.appUrl, shop: SANDBOX_SHOP_DOMAIN, appPath: path, idToken }), { headers: BROWSER });
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html.length, path).toBeGreaterThan(1000);
      const found = tokenAttributes(html);
      if (html.includes(idToken) && found.length === 0) found.push("(the token elsewhere in the HTML)");
      if (found.length > 0) exposed[path] = found;
    }
    reportFigure("id-token", `${Object.values(exposed).flat().length} token(s) in the server HTML of ${PAGES.length} pages`);
    expect(exposed).toEqual({});
  });

  it("after hydration no page's URL, form actions or links carry a token", async () => {
    const frameUrls: Record<string, string[]> = {};
    for (const path of PAGES) {
      await goTo(page, path);
      const found = await page.frame({ name: "app-iframe" })!.evaluate(() =>
        [window.location.href, ...[...document.querySelectorAll("form")].map((form) => form.action), ...[...document.querySelectorAll("a[href]")].map((link) => (link as HTMLAnchorElement).href)].filter((url) => /id_token=/.test(url)),
      );
      if (found.length > 0) frameUrls[path] = found;
    }
    reportFigure("id-token", `${Object.values(frameUrls).flat().length} in URLs, forms and links after hydration`);
    expect(frameUrls).toEqual({});
  });

  it("a submitted form goes to a URL without the token, and the access log holds no token at all", async () => {
    await goTo(page, "/app/sync");
    const posted: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posted.push(request.url());
    });
    const app = page.frameLocator("#app-iframe");
    await app.getByRole("button", { name: /Reconcile now/i }).first().click();
    await expect.poll(() => posted.length, { timeout: 20_000 }).toBeGreaterThan(0);
    await waitForHydration(page);
    expect(posted.filter((url) => /id_token=/.test(url))).toEqual([]);

    const log = admin!.stack.appLog();
    // The admin's first load (and the pages above) did put the token in the URL: the log shows where, not what.
    expect(log).toMatch(/GET \/app\?[^\s]*id_token=\[redacted\]/);
    const inLog = [...(log.match(/id_token=(?!\[redacted\])[^&\s]+/g) ?? []), ...(log.match(JWT) ?? [])];
    reportFigure("id-token", `${posted.filter((url) => /id_token=/.test(url)).length} in a submitted form's URL, ${inLog.length} in the access log`);
    expect(log.match(/id_token=(?!\[redacted\])[^&\s]+/g) ?? []).toEqual([]);
    expect(log.match(JWT) ?? []).toEqual([]);
  });
});
