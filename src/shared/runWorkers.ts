import { abortError } from './backoff.ts';

/**
 * Run `work` over `items` with at most `concurrency` at once: workers pull from one shared queue.
 * On the first failure the others are aborted (through the signal they were given) and no new
 * item starts; once every worker has settled, the first error is rethrown. Aborting `signal`
 * aborts everything the same way and rejects with a DeadlineError (or the signal's FlushError).
 *
 * @example
 * ```ts
 * await runWorkers(partitions, 4, signal, (partition, s) => writePartition(partition, s));
 * ```
 */
export async function runWorkers<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  work: (item: T, signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const failure = new AbortController();
  const combined = AbortSignal.any([signal, failure.signal]);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async () => {
    while (firstError === undefined && !combined.aborted && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item, combined);
      } catch (error) {
        if (firstError === undefined) {
          firstError = { error };
          failure.abort(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (firstError !== undefined) throw firstError.error;
  if (signal.aborted) throw abortError(signal);
}
