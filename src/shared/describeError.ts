/**
 * A short description of an error for logs and messages: its name and text, never request data.
 * Works for anything thrown, not only `Error`s (a flusher may reject with `undefined`).
 *
 * @example
 * ```ts
 * logger.warn('flush failed', { error: describeError(error) }); // 'ThrottlingException: Rate exceeded'
 * ```
 */
export function describeError(error: unknown): string {
  const name =
    typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
      ? (error as { name: string }).name
      : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return `${name}: ${message}`;
}
