/**
 * A request body read only up to a size (issue 22: four parallel 100 MB unsigned posts took the app
 * from 133 to 1,240 MB because bodies were read whole before anything was checked). The declared
 * `Content-Length` is refused before a byte is read; a body without one (chunked) is read until it
 * passes the limit, then left unread, so at most `maxBytes` plus one chunk is held.
 */
export type BoundedBody = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; tooLarge: true };

const TOO_LARGE = { ok: false, tooLarge: true } as const;

/** The body's bytes, or `tooLarge` once it is known to exceed `maxBytes`. */
export async function bytesWithin(request: Request, maxBytes: number): Promise<BoundedBody> {
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  // Nothing more is read once the body is known to be too large. The stream is left as it is, not
  // cancelled: under remix-serve cancelling destroys the socket before the 413 can be written, and
  // the answer's `Connection: close` (payloadTooLarge) ends the connection once it is sent.
  if (declared > maxBytes) return TOO_LARGE;
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  // Through the reader: remix-serve's `Request` body is not Node's ReadableStream (docs/decisions/022).
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.releaseLock();
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** The largest body the checkout's holds API accepts (`/api/holds`: at most 250 lines, app/routes/api.holds.tsx). */
export const MAX_HOLD_REQUEST_BYTES = 64_000;

/** The answer to a body over its limit: 413, before any check that would need the whole body. */
export function payloadTooLarge(maxBytes: number): Response {
  return new Response(`The body is larger than ${maxBytes} bytes.`, { status: 413, headers: { "Content-Type": "text/plain; charset=utf-8", Connection: "close" } });
}

/** A JSON body read up to `maxBytes`: its value (null when it is not JSON), or `tooLarge`. */
export async function jsonWithin(request: Request, maxBytes: number): Promise<{ ok: true; value: unknown; notJson?: true } | { ok: false; tooLarge: true }> {
  const body = await bytesWithin(request, maxBytes);
  if (!body.ok) return body;
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(body.bytes)) as unknown };
  } catch {
    // Said apart from a JSON null, so the refusal can say "is not JSON" rather than "received null".
    return { ok: true, value: null, notJson: true };
  }
}
