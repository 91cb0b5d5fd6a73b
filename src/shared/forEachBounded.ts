/**
 * Run `worker` over `items` with at most `limit` running at once: `limit` workers pull from one
 * queue, in order. Once `signal` aborts, no new item starts; the call resolves when every started
 * worker has settled. Workers handle their own errors: one failing item never stops the others.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const pull = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await worker(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, pull));
}
