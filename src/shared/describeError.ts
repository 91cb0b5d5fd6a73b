/** Causes followed at most: enough for a wrapper of a wrapper of the SDK's error, bounded against cycles. */
const MAX_CAUSES = 4;

/**
 * A short description of an error for logs and messages: its name and text, then each `cause`
 * (`FlushError: could not quarantine … ← caused by CredentialsProviderError: Could not load
 * credentials`), never request data. Works for anything thrown, not only `Error`s (a flusher may
 * reject with `undefined`).
 *
 * @example
 * ```ts
 * logger.warn('flush failed', { error: describeError(error) }); // 'ThrottlingException: Rate exceeded'
 * ```
 */
export function describeError(error: unknown): string {
  const parts = [describeOne(error)];
  const seen = new Set<unknown>([error]);
  let cause = causeOf(error);
  while (cause !== undefined && !seen.has(cause) && parts.length <= MAX_CAUSES) {
    parts.push(describeOne(cause));
    seen.add(cause);
    cause = causeOf(cause);
  }
  return parts.join(' ← caused by ');
}

function describeOne(error: unknown): string {
  const name =
    typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
      ? (error as { name: string }).name
      : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return `${name}: ${message}`;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}
