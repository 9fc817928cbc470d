/**
 * Serve a sandbox over node:http: IncomingMessage -> Request -> sandbox.handle -> ServerResponse.
 * The request URL keeps the Host header, so `Host: <shop>.myshopify.com` selects the shop.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RequestHandler {
  handle(request: Request): Promise<Response>;
}

export interface SandboxServer {
  /** e.g. http://127.0.0.1:43121 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function toRequest(req: IncomingMessage, fallbackHost: string): Promise<Request> {
  const host = req.headers.host ?? fallbackHost;
  const url = new URL(req.url ?? "/", `http://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? "GET";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = Buffer.concat(chunks);
  }
  return new Request(url, { method, headers, ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}) });
}

export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  const buf = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  delete headers["content-encoding"];
  headers["content-length"] = String(buf?.length ?? 0);
  res.writeHead(response.status, response.statusText, headers);
  res.end(buf);
}

export async function startSandboxServer(options: { sandbox: RequestHandler; port?: number; host?: string }): Promise<SandboxServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const addr = server.address() as AddressInfo;
        const request = await toRequest(req, `${host}:${addr.port}`);
        const response = await options.sandbox.handle(request);
        // A lost answer (a fault such as `dropRefreshResponses`): the connection drops, the
        // client sees a network error, as when an answer never makes it back.
        if (response.type === "error") return void req.socket.destroy();
        await writeResponse(res, response);
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ errors: error instanceof Error ? error.message : String(error) }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
