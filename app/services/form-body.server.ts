import { bytesWithin } from "./request-body.server";

/**
 * A form body read only up to a size: a 10 MB paste is refused after its first megabytes instead
 * of being buffered, decoded and parsed whole.
 */

/** The largest form the policy pages accept: a policy text at its limit, URL-encoded (up to 3 bytes a character) with room to spare. */
export const MAX_POLICY_FORM_BYTES = 8_000_000;

/** The form, or undefined when the body is larger than `maxBytes`. */
export async function formWithin(request: Request, maxBytes: number): Promise<FormData | undefined> {
  const body = await bytesWithin(request, maxBytes);
  if (!body.ok) return undefined;
  const headers = { "Content-Type": request.headers.get("Content-Type") ?? "application/x-www-form-urlencoded" };
  return new Response(body.bytes, { headers }).formData();
}

export function tooLargeMessage(maxBytes: number): string {
  return `is too large (more than ${maxBytes} bytes)`;
}
