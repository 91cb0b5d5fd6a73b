import { describe, expect, it } from 'vitest';
import { DeadlineError, FlushError, FlusherStoppedError } from '../../../src/errors.ts';
import {
  clientFor,
  GROUP,
  labels,
  NOW,
  readEvents,
  STREAM,
  threeBatches,
  timedGroup,
  useLoopbackFlusher,
} from './helpers.ts';

describe('CloudWatchLogsFlusher: retries, deadlines and stop', () => {
  const h = useLoopbackFlusher();

  it('retries throttling, 5xx and resets with backoff, then succeeds', async () => {
    const flusher = await h.start({ CWL_MAX_ATTEMPTS: '8' });
    h.endpoint.schedule(
      'PutLogEvents',
      { kind: 'throttle' },
      { kind: 'unavailable' },
      { kind: 'status', status: 502 },
      { kind: 'reset' },
    );
    h.endpoint.schedule('CreateLogStream', { kind: 'throttle' });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.count('PutLogEvents')).toBe(5);
    expect(h.context.metricValues.get('CloudWatchLogsRetries')).toBe(5);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
  });

  it('retries a request that timed out on a stalled connection', async () => {
    const stallClient = clientFor(h.endpoint, 300);
    const flusher = await h.start({}, { client: stallClient });
    h.endpoint.schedule('PutLogEvents', { kind: 'stall' });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.count('PutLogEvents')).toBe(2);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
    stallClient.destroy();
  });

  it('never re-sends a request that already succeeded when a later one is retried', async () => {
    const flusher = await h.start({ CWL_CONCURRENCY: '1' });
    const times = threeBatches();
    h.endpoint.schedule('PutLogEvents', { kind: 'delay', ms: 0 }, { kind: 'throttle' }, { kind: 'reset' });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup(times)]);
    expect(h.endpoint.count('PutLogEvents')).toBe(5);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(times.map(([label]) => label));
  });

  it('types a permanent error as not retryable', async () => {
    const flusher = await h.start();
    h.endpoint.schedule('PutLogEvents', { kind: 'error', status: 400, type: 'AccessDeniedException' });
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(false);
    expect(((error as FlushError).cause as Error).name).toBe('AccessDeniedException');
    expect(h.endpoint.count('PutLogEvents')).toBe(1);
  });

  it('rejects promptly with a DeadlineError when the signal aborts while the endpoint stalls', async () => {
    const flusher = await h.start();
    h.endpoint.schedule('PutLogEvents', { kind: 'stall' });
    const started = Date.now();
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])], { signal: AbortSignal.timeout(150) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(Date.now() - started).toBeLessThan(3_000); // far below the 5 s request timeout
  });

  it('does not sleep in backoff past the signal', async () => {
    const flusher = await h.start(
      {},
      { config: { backoff: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 5 } } },
    );
    h.endpoint.schedule('CreateLogStream', { kind: 'throttle' });
    const started = Date.now();
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])], { signal: AbortSignal.timeout(150) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops waiting after setUrgent: a throttled request fails at once, retryable', async () => {
    const flusher = await h.start();
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    flusher.setUrgent(false);
    h.endpoint.schedule('PutLogEvents', { kind: 'throttle' });
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [timedGroup([['b', NOW]])])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(true);
    expect(h.endpoint.count('PutLogEvents')).toBe(2);
  });

  it('aborts a put in flight when stop runs out of time', async () => {
    const flusher = await h.start();
    h.endpoint.schedule('PutLogEvents', { kind: 'stall' });
    const flushing = flusher
      .flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])])
      .catch((e: unknown) => e);
    while (h.endpoint.count('PutLogEvents') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await flusher.stop({ timeoutMs: 50 });
    const error = await flushing;
    expect(error).toBeInstanceOf(FlusherStoppedError);
    expect((error as FlushError).retryable).toBe(true);
  });
});
