/** The outcome of an ARI operation: a value, or the error status and message to answer. */
export type AriResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly message: string };

/** A successful outcome. */
export function ariOk<T>(value: T): AriResult<T> {
  return { ok: true, value };
}

/** A refusal, answered as `{"message": …}` with `status`, as Asterisk does. */
export function ariError<T = never>(status: number, message: string): AriResult<T> {
  return { ok: false, status, message };
}
