/** Expected failures are values: callers must look at `ok` before using the value. */
export interface Problem {
  /** Where in the input, e.g. `protection[2].units`. */
  readonly path: string;
  readonly message: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function refused<T>(problems: readonly Problem[]): Result<T> {
  return { ok: false, problems };
}
