/**
 * A local stand-in for `https://cdn.shopify.com/shopifycloud/app-bridge.js` (App Bridge v4),
 * served by the sandbox at `/app-bridge.js`. Browser tests route the CDN URL to it; the real path
 * in Shopify admin is unchanged (docs/decisions/013).
 *
 * It provides what Safestock uses of the global `shopify` (shopify.dev/docs/api/app-bridge-library):
 * - `shopify.idToken()`: a fresh session token from the sandbox (`GET /sandbox/session-token?shop=`).
 * - `shopify.config`: `{ apiKey, shop, host, locale }` (apiKey from `data-api-key` on the script tag
 *   or `<meta name="shopify-api-key">`; shop/host from the URL).
 * - `shopify.toast.show(message, {duration, isError})`: a visible toast (`[data-sandbox-toast]`).
 * - `shopify.loading(bool)`, `shopify.modal` no-ops, `shopify.environment`.
 * - `<ui-nav-menu>`, `<ui-title-bar>`, `<ui-modal>`, `<s-app-nav>`: harmless custom
 *   elements, hidden as in the real iframe (admin draws title and menu around it).
 * - `<ui-save-bar>` with `show()`/`hide()`/`toggle()` and `shopify.saveBar.show/hide/toggle(id)`:
 *   while shown, a bar `[data-sandbox-save-bar]` whose Save/Discard click the element's buttons.
 * - A `window.fetch` patch adding `Authorization: Bearer <idToken>` to same-origin requests, and
 *   handling `X-Shopify-Retry-Invalid-Session-Request` (retry once with a fresh token) and
 *   `X-Shopify-API-Request-Failure-Reauthorize-Url` (top-level redirect), as real App Bridge does
 *   for shopify-app-remix (server/authenticate/helpers/respond-to-invalid-session-token,
 *   redirect-with-app-bridge-headers).
 * - The bounce page: when loaded on a URL with `shopify-reload=<url>` (shopify-app-remix's
 *   `/auth/session-token`), it navigates to that URL with a fresh `id_token`.
 */
export function appBridgeScript(sandboxOrigin: string): string {
  return `/* Safestock sandbox App Bridge stand-in (not Shopify's App Bridge). */
(function () {
  "use strict";
  if (window.shopify && window.shopify.__sandbox) return;
  var SANDBOX_ORIGIN = window.__SHOPIFY_SANDBOX_ORIGIN__ || ${JSON.stringify(sandboxOrigin)};
  var params = new URLSearchParams(window.location.search);
  var script = document.currentScript;
  var meta = document.querySelector('meta[name="shopify-api-key"]');
  var apiKey = (script && script.getAttribute("data-api-key")) || (meta && meta.getAttribute("content")) || "";
  var host = params.get("host") || "";
  var shop = params.get("shop") || "";
  if (!shop && host) { try { shop = atob(host).split("/")[0]; } catch (e) {} }
  var nativeFetch = window.fetch.bind(window);

  function idToken() {
    return nativeFetch(SANDBOX_ORIGIN + "/sandbox/session-token?shop=" + encodeURIComponent(shop), { credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error("session token request failed: " + r.status); return r.json(); })
      .then(function (b) { return b.token; });
  }

  function toastHost() {
    var el = document.getElementById("sandbox-toasts");
    if (!el) {
      el = document.createElement("div");
      el.id = "sandbox-toasts";
      el.setAttribute("aria-live", "polite");
      el.style.cssText = "position:fixed;left:50%;bottom:24px;transform:translateX(-50%);z-index:2147483647;display:flex;flex-direction:column;gap:8px;font:14px system-ui,sans-serif";
      (document.body || document.documentElement).appendChild(el);
    }
    return el;
  }
  var toastSeq = 0;
  var toast = {
    show: function (message, opts) {
      opts = opts || {};
      var id = "sandbox-toast-" + (++toastSeq);
      var t = document.createElement("div");
      t.id = id;
      t.setAttribute("role", "status");
      t.setAttribute("data-sandbox-toast", opts.isError ? "error" : "info");
      t.textContent = String(message);
      t.style.cssText = "padding:10px 16px;border-radius:8px;color:#fff;background:" + (opts.isError ? "#8e1f0b" : "#303030");
      toastHost().appendChild(t);
      setTimeout(function () { t.remove(); }, opts.duration || 5000);
      return id;
    },
    hide: function (id) { var t = document.getElementById(id); if (t) t.remove(); }
  };

  var loadingState = false;
  function loading(on) {
    if (on === undefined) return loadingState;
    loadingState = !!on;
    document.documentElement.setAttribute("data-sandbox-loading", String(loadingState));
    return loadingState;
  }

  function isSameOrigin(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; } catch (e) { return false; }
  }

  // App Bridge v4 adds the session token to same-origin fetches (shopify.dev/docs/api/app-bridge-library/apis/resource-fetching).
  function patchedFetch(input, init) {
    var url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!isSameOrigin(url)) return nativeFetch(input, init);
    function send() {
      return idToken().then(function (token) {
        var req = input instanceof Request ? new Request(input, init) : new Request(new URL(String(input), window.location.href).href, init);
        var headers = new Headers(req.headers);
        if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
        return nativeFetch(new Request(req, { headers: headers }));
      });
    }
    return send().then(function (res) {
      var reauth = res.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
      if (res.status === 401 && reauth) { window.open(reauth, "_top"); }
      if (res.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") return send();
      return res;
    });
  }
  window.fetch = patchedFetch;

  function define(name, render) {
    if (!window.customElements || customElements.get(name)) return;
    customElements.define(name, class extends HTMLElement {
      connectedCallback() { if (render) render(this); }
    });
  }
  // Shopify admin draws the title bar and the nav menu outside the iframe, so inside the app these
  // elements render nothing. Hidden by a stylesheet rather than by touching the elements: React
  // hydrates them, and any DOM change before hydration is a mismatch (React errors #418/#423).
  var style = document.createElement("style");
  style.textContent = "ui-nav-menu,ui-title-bar,ui-modal,ui-save-bar,s-app-nav{display:none!important}";
  (document.head || document.documentElement).appendChild(style);
  ["ui-nav-menu", "ui-title-bar", "ui-modal", "s-app-nav"].forEach(function (name) { define(name, null); });

  // The contextual save bar (shopify.dev/docs/api/app-home/latest/apis/user-interface-and-interactions/save-bar-api):
  // Shopify admin draws it over its top bar while a \`ui-save-bar\` is shown (element.show() or
  // shopify.saveBar.show(id)); its Save and Discard click the element's primary and other <button>.
  // Here it is drawn at the top of the app's page ([data-sandbox-save-bar]) so tests can see and use it.
  function saveBarButtons(bar) {
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button"));
    var save = buttons.filter(function (b) { return b.getAttribute("variant") === "primary"; })[0];
    var discard = buttons.filter(function (b) { return b !== save; })[0];
    return { save: save, discard: discard };
  }
  function drawSaveBar(bar) {
    var host = document.getElementById("sandbox-save-bar-" + bar.id);
    if (!host) {
      host = document.createElement("div");
      host.id = "sandbox-save-bar-" + bar.id;
      host.setAttribute("data-sandbox-save-bar", bar.id);
      host.setAttribute("role", "region");
      host.setAttribute("aria-label", "Unsaved changes");
      host.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2147483646;display:flex;align-items:center;justify-content:space-between;padding:8px 16px;background:#1a1a1a;color:#fff;font:14px system-ui,sans-serif";
      var label = document.createElement("span");
      label.textContent = "Unsaved changes";
      var actions = document.createElement("span");
      actions.style.cssText = "display:flex;gap:8px";
      [["Discard", "discard"], ["Save", "save"]].forEach(function (pair) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = pair[0];
        b.setAttribute("data-sandbox-save-bar-action", pair[1]);
        b.addEventListener("click", function () { var target = saveBarButtons(bar)[pair[1]]; if (target && !target.disabled) target.click(); });
        actions.appendChild(b);
      });
      host.appendChild(label);
      host.appendChild(actions);
      (document.body || document.documentElement).appendChild(host);
    }
    var save = saveBarButtons(bar).save;
    host.querySelector('[data-sandbox-save-bar-action="save"]').disabled = Boolean(save && save.disabled);
  }
  if (window.customElements && !customElements.get("ui-save-bar")) {
    customElements.define("ui-save-bar", class extends HTMLElement {
      get showing() { return this.__showing === true; }
      show() { this.__showing = true; drawSaveBar(this); this.dispatchEvent(new Event("show")); return Promise.resolve(); }
      hide() {
        var wasShowing = this.__showing === true;
        this.__showing = false;
        var host = document.getElementById("sandbox-save-bar-" + this.id);
        if (host) host.remove();
        if (wasShowing) this.dispatchEvent(new Event("hide"));
        return Promise.resolve();
      }
      toggle() { return this.showing ? this.hide() : this.show(); }
      disconnectedCallback() { var host = document.getElementById("sandbox-save-bar-" + this.id); if (host) host.remove(); }
    });
  }
  function saveBarApi() {
    function bar(id) { return document.getElementById(id); }
    return {
      show: function (id) { var b = bar(id); return b && b.show ? b.show() : Promise.resolve(); },
      hide: function (id) { var b = bar(id); return b && b.hide ? b.hide() : Promise.resolve(); },
      toggle: function (id) { var b = bar(id); return b && b.toggle ? b.toggle() : Promise.resolve(); }
    };
  }

  function noopApi() { return { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); } }; }

  window.shopify = {
    __sandbox: true,
    config: { apiKey: apiKey, shop: shop, host: host, locale: navigator.language || "en" },
    environment: { embedded: window.top !== window, mobile: false, pos: false },
    origin: SANDBOX_ORIGIN,
    idToken: idToken,
    toast: toast,
    loading: loading,
    modal: noopApi(),
    saveBar: saveBarApi(),
    user: function () { return Promise.resolve({ name: "Sandbox Owner", accountAccess: "Account owner" }); },
    ready: Promise.resolve()
  };

  // shopify-app-remix's bounce page (/auth/session-token?shopify-reload=...): reload with a fresh id_token.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (token) {
      var target = new URL(reload, window.location.href);
      target.searchParams.set("id_token", token);
      window.location.replace(target.toString());
    });
  }
})();
`;
}
