/**
 * Saves a fetched file: downloads need the session token, which only App Bridge's `fetch` adds (a
 * plain link would open the route without it), so the body is fetched, then saved from memory
 * under the name the route's Content-Disposition gives.
 */
export async function saveDownload(response: Response, fallbackName: string): Promise<void> {
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
