import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Frame, type FrameLocator, type Page } from "playwright-core";
import { startSandboxStack, type SandboxStack, type SandboxStackOptions } from "../../../sandbox/stack";
import { createTestDatabase } from "../../setup/database";

export const CHROMIUM_PATH = process.env.SAFESTOCK_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../screenshots");

/**
 * Debian's Chromium is a system package (docs/decisions/013): without it the
 * suite is skipped with a notice on a developer's machine, and fails in CI where it must exist.
 */
export function browserAvailability(): { available: boolean; notice: string | null } {
  if (existsSync(CHROMIUM_PATH)) return { available: true, notice: null };
  const notice = `${CHROMIUM_PATH} is missing: install it with \`apt-get update && apt-get install -y --no-install-recommends chromium\``;
  if (process.env.CI) throw new Error(`browser tests cannot run in CI: ${notice}`);
  return { available: false, notice: `browser tests skipped: ${notice}` };
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Headless Chromium (playwright gives each launch a fresh temporary profile) whose requests to Shopify's CDN never leave the machine: App Bridge is served
 * by the sandbox's stand-in, everything else on the CDN is aborted (docs/decisions/013).
 */
export async function openBrowser({ sandboxUrl }: { sandboxUrl: string }): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      // The app (127.0.0.1:<port>) loads App Bridge from the sandbox (127.0.0.1:<other port>);
      // Chromium's Local Network Access checks would ask the user for permission first.
      "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights",
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1600 },
    // Headless Chromium says "HeadlessChrome", which isbot (used by @shopify/shopify-app-remix)
    // treats as a bot and answers 410; a merchant's browser says "Chrome".
    userAgent: (await browser.newPage().then(async (probe) => {
      const agent = await probe.evaluate(() => navigator.userAgent);
      await probe.close();
      return agent;
    })).replace("HeadlessChrome", "Chrome"),
  });
  await context.route("https://cdn.shopify.com/**", async (route) => {
    if (/\/app-bridge\.js(\?|$)/.test(route.request().url())) {
      const response = await route.fetch({ url: `${sandboxUrl}/app-bridge.js` });
      await route.fulfill({ response });
    } else {
      await route.abort();
    }
  });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}

/** The embedded app's frame inside the sandbox admin page. */
export function appFrame(page: Page): FrameLocator {
  return page.frameLocator("#app-iframe");
}

/**
 * Waits until Remix has hydrated the app frame: before that a click on a submit button would
 * post a plain form without the session token that App Bridge's fetch adds.
 */
export async function waitForHydration(page: Page, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const frame: Frame | null = page.frame({ name: "app-iframe" });
    const ready = await frame
      ?.evaluate(() => {
        const router = (window as unknown as { __remixRouter?: { state: { initialized: boolean; navigation: { state: string } } } }).__remixRouter;
        return Boolean(router?.state.initialized && router.state.navigation.state === "idle");
      })
      .catch(() => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the app frame did not hydrate");
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The app and the emulated shop on a fresh database, with the sandbox admin open in Chromium. */
export interface EmbeddedAdmin {
  stack: SandboxStack;
  page: Page;
  /** The embedded app's iframe. */
  app: FrameLocator;
  /** The app's database, for a test that needs more history than a browser can make quickly. */
  databaseUrl: string;
  close(): Promise<void>;
}

/** What every browser test file starts with: `npm run sandbox`'s stack, the admin page, a hydrated app. */
export async function openEmbeddedAdmin({ seed }: { seed?: SandboxStackOptions["seed"] } = {}): Promise<EmbeddedAdmin> {
  const database = createTestDatabase();
  let stack: SandboxStack | undefined;
  let session: BrowserSession | undefined;
  try {
    stack = await startSandboxStack({ port: await freePort(), sandboxPort: await freePort(), databaseUrl: database.url, appOutput: "pipe", ...(seed === undefined ? {} : { seed }) });
    session = await openBrowser(stack);
    await session.page.goto(`${stack.sandboxUrl}/admin`);
    await waitForHydration(session.page);
  } catch (error) {
    await session?.close();
    await stack?.stop();
    database.remove();
    throw error;
  }
  const { page } = session;
  const started = { stack, session };
  return {
    stack,
    page,
    app: appFrame(page),
    databaseUrl: database.url,
    async close() {
      await started.session.close();
      await started.stack.stop();
      database.remove();
    },
  };
}

/** Client-side navigation inside the app frame, as a click on an app link does (the session token stays with App Bridge). */
export async function goTo(page: Page, to: string) {
  await waitForHydration(page);
  await page.frame({ name: "app-iframe" })!.evaluate((path) => {
    (window as unknown as { __remixRouter: { navigate(to: string): Promise<void> } }).__remixRouter.navigate(path);
  }, to);
  await waitForHydration(page);
}
