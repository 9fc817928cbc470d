/**
 * A minimal HTTP/1.1 client over node:net for tests. It bypasses msw and any patched fetch, so
 * HTTP round-trip tests hit the real socket even when a test setup intercepts fetch/http.
 */
import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawHttp(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  const body = init.body ?? "";
  const headers: Record<string, string> = { host: u.host, connection: "close", ...lower(init.headers ?? {}) };
  if (body) headers["content-length"] = String(Buffer.byteLength(body));
  const head = [`${init.method ?? "GET"} ${u.pathname}${u.search} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join("\r\n");
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const sep = raw.indexOf("\r\n\r\n");
      const [statusLine, ...lines] = raw.slice(0, sep).split("\r\n");
      const h: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(":");
        h[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      let rest = raw.slice(sep + 4);
      if (h["transfer-encoding"] === "chunked") {
        let out = "";
        while (rest.length) {
          const nl = rest.indexOf("\r\n");
          const size = parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        rest = out;
      }
      resolve({ status: Number(statusLine!.split(" ")[1]), headers: h, body: rest });
    });
    socket.write(`${head}\r\n\r\n${body}`);
  });
}

function lower(h: Record<string, string>) {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
