import { describe, expect, it } from 'vitest';
import { forEachBounded } from '../../src/shared/forEachBounded.ts';
import { settleWithin } from '../../src/shared/settleWithin.ts';

describe('forEachBounded', () => {
  it('never runs more than the limit at once, and visits every item once in start order', async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await forEachBounded([...Array(20).keys()], 3, async (item) => {
      started.push(item);
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      running--;
    });
    expect(peak).toBe(3);
    expect(started).toEqual([...Array(20).keys()]);
  });

  it('starts nothing new once the signal aborts', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await forEachBounded(
      [1, 2, 3, 4],
      1,
      async (item) => {
        seen.push(item);
        if (item === 2) controller.abort();
      },
      controller.signal,
    );
    expect(seen).toEqual([1, 2]);
  });
});

describe('settleWithin', () => {
  it('tells whether the work settled in time, and never rejects', async () => {
    expect(await settleWithin(Promise.reject(new Error('x')), 50)).toBe(true);
    expect(await settleWithin(new Promise(() => {}), 10)).toBe(false);
  });
});
