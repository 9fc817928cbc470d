/**
 * A form body read only up to a size: a 10 MB paste is refused after its first megabytes instead
 * of being buffered, decoded and parsed whole.
 */

/** The largest form the policy pages accept: a policy text at its limit, URL-encoded (up to 3 bytes a character) with room to spare. */
export const MAX_POLICY_FORM_BYTES = 8_000_000;

/** The form, or undefined when the body is larger than `maxBytes`. */
export async function formWithin(request: Request, maxBytes: number): Promise<FormData | undefined> {
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > maxBytes) return undefined;
  if (!request.body) return request.formData();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const headers = { "Content-Type": request.headers.get("Content-Type") ?? "application/x-www-form-urlencoded" };
  return new Response(body, { headers }).formData();
}

export function tooLargeMessage(maxBytes: number): string {
  return `is too large (more than ${maxBytes} bytes)`;
}
