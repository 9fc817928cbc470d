/** The local "admin" page and the App Bridge stand-in. */
export * from "./page.js";
export { appBridgeScript } from "./app-bridge.js";
