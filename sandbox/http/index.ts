export * from "./server.js";
export * from "./compose.js";
