/**
 * Waits for a condition instead of sleeping: tests synchronise on what happened, never on how long
 * it usually takes (a loaded CI machine stretches every delay). Polls `condition` until it returns
 * something truthy and returns that; after `timeoutMs` it throws, naming what it waited for.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 5, what = "the condition" }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waitFor: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
