/** Auth: session tokens (App Bridge idToken) and the OAuth access-token endpoint. */
export * from "./session-token.js";
export * from "./token-exchange.js";
export * from "./token-policy.js";
