/**
 * Bounds an outbound request, body included: issue 22 found an Admin API request that was never
 * answered keeping its job "running" (its lease renewed) for ever. The deadline is raced rather than
 * only passed as an `AbortSignal`, so that a transport that ignores the signal (an interceptor, a
 * stalled body stream) cannot hold the caller either.
 */
export class RequestTimeoutError extends Error {
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`${target} was not answered within ${timeoutMs} ms`);
    this.name = "RequestTimeoutError";
  }
}

/** Runs `send` with a signal aborted after `timeoutMs`; rejects with `RequestTimeoutError` then. */
export async function withDeadline<T>(target: string, timeoutMs: number, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new RequestTimeoutError(target, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([send(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
