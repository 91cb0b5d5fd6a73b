import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runWorkers } from '../../src/shared/runWorkers.ts';

describe('runWorkers', () => {
  it('runs every item with at most `concurrency` at once', async () => {
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await runWorkers([1, 2, 3, 4, 5, 6, 7], 3, new AbortController().signal, async (item) => {
      active++;
      peak = Math.max(peak, active);
      await sleep(5);
      done.push(item);
      active--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('on failure aborts the others, starts nothing new, waits for all, and rethrows the first error', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const first = new Error('first');
    const run = runWorkers([1, 2, 3, 4, 5], 2, new AbortController().signal, async (item, signal) => {
      started.push(item);
      try {
        if (item === 1) {
          await sleep(5);
          throw first;
        }
        await sleep(1_000, undefined, { signal });
      } finally {
        settled.push(item);
      }
    });
    await expect(run).rejects.toBe(first);
    expect(started).toEqual([1, 2]);
    expect(settled.sort()).toEqual([1, 2]);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const run = runWorkers([1, 2], 1, controller.signal, (_item, signal) =>
      sleep(1_000, undefined, { signal }),
    );
    controller.abort(new Error('deadline'));
    await expect(run).rejects.toThrow();
  });

  it('accepts an empty list', async () => {
    await expect(runWorkers([], 4, new AbortController().signal, async () => {})).resolves.toBeUndefined();
  });
});
