import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineError, FlusherStoppedError } from '../../src/errors.ts';
import {
  abortableSleep,
  type BackoffPolicy,
  backoffDelay,
  retryWithBackoff,
} from '../../src/shared/backoff.ts';

const policy: BackoffPolicy = { baseMs: 100, maxMs: 5_000, maxAttempts: 4 };
const never = new AbortController().signal;

describe('backoffDelay', () => {
  it('stays in [0, min(max, base·2^retry)) whatever the randomness', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, r) => {
          const delay = backoffDelay(retry, policy, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.min(policy.maxMs, policy.baseMs * 2 ** retry));
        },
      ),
    );
  });

  it('grows exponentially up to the cap', () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 6, 7].map((retry) => backoffDelay(retry, policy, top))).toEqual([
      99, 199, 399, 4999, 4999,
    ]);
  });
});

describe('abortableSleep', () => {
  it('rejects at once with a DeadlineError when the signal aborts, or with the FlushError it carries', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(DeadlineError);
    await expect(abortableSleep(10, AbortSignal.abort(new FlusherStoppedError()))).rejects.toBeInstanceOf(
      FlusherStoppedError,
    );
  });
});

describe('retryWithBackoff', () => {
  const failing = (
    failures: number,
    error: unknown = Object.assign(new Error('busy'), { name: 'Throttling' }),
  ) => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      if (calls <= failures) throw error;
      return calls;
    };
    return { attempt, calls: () => calls };
  };
  const retryable = (error: unknown) => (error as Error).name === 'Throttling';

  it('retries retryable errors until success, waiting between attempts', async () => {
    const { attempt } = failing(3);
    const waits: number[] = [];
    const result = await retryWithBackoff(attempt, {
      policy: { ...policy, baseMs: 1, maxMs: 2 },
      signal: never,
      isRetryable: retryable,
      onRetry: (_e, _n, delay) => waits.push(delay),
    });
    expect(result).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { attempt, calls } = failing(10);
    await expect(
      retryWithBackoff(attempt, {
        policy: { ...policy, baseMs: 1, maxMs: 1 },
        signal: never,
        isRetryable: retryable,
      }),
    ).rejects.toThrow('busy');
    expect(calls()).toBe(4);
  });

  it('does not retry a permanent error', async () => {
    const { attempt, calls } = failing(1, new Error('denied'));
    await expect(
      retryWithBackoff(attempt, { policy, signal: never, isRetryable: retryable }),
    ).rejects.toThrow('denied');
    expect(calls()).toBe(1);
  });

  it('does not wait once waiting is no longer allowed', async () => {
    const { attempt, calls } = failing(1);
    await expect(
      retryWithBackoff(attempt, { policy, signal: never, isRetryable: retryable, mayWait: () => false }),
    ).rejects.toThrow('busy');
    expect(calls()).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const { attempt, calls } = failing(10);
    const started = Date.now();
    await expect(
      retryWithBackoff(attempt, {
        policy: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 5 },
        signal: AbortSignal.timeout(50),
        isRetryable: retryable,
        random: () => 0.5,
      }),
    ).rejects.toBeInstanceOf(DeadlineError);
    expect(calls()).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
