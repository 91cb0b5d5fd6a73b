/**
 * A signal that fires `graceMs` after `signal` fired (at once if it already has), for a request
 * that must not be cut off the moment its caller gives up, yet must not run for ever after.
 * `release` detaches it from `signal` once the request is over.
 *
 * @example
 * ```ts
 * const { signal: late, release } = signalAfterGrace(deadline, 5_000);
 * try { await client.send(command, { abortSignal: late }); } finally { release(); }
 * ```
 */
export function signalAfterGrace(
  signal: AbortSignal,
  graceMs: number,
): { readonly signal: AbortSignal; readonly release: () => void } {
  if (signal.aborted) return { signal, release: () => {} };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => controller.abort(signal.reason), graceMs);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    },
  };
}
