import { setupServer } from "msw/node";

/** One msw server per test file; tests add handlers with `mswServer.use(...sandboxHandlers(sandbox))`. */
export const mswServer = setupServer();
