import { describe, expect, it, vi } from 'vitest';
import { DeadlineError, FlushError } from '../../../src/errors.ts';
import type { FlushOptions } from '../../../src/flusher/Flusher.ts';
import { CircuitBreaker } from '../../../src/flushers/s3/CircuitBreaker.ts';
import { createS3Destination } from '../../../src/flushers/s3/createS3Destination.ts';
import { estimateRawBytes } from '../../../src/flushers/s3/estimateRawBytes.ts';
import type { S3Flusher } from '../../../src/flushers/s3/S3Flusher.ts';
import { decodeLogGroupList } from '../../../src/protocol/decodeLogGroup.ts';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import { FAULTS } from '../../fixtures/s3/S3TestProxy.ts';
import {
  FEB28_23H,
  groupAt,
  ids,
  jsonLines,
  useS3FlusherHarness,
} from '../../fixtures/s3/s3FlusherHarness.ts';
import { MISSING_BUCKET, type StoredObject } from '../../fixtures/s3/s3TestEnvironment.ts';
import { fakeContext } from '../../helpers/fakeContext.ts';

const harness = useS3FlusherHarness();
const startFlusher = harness.startFlusher.bind(harness);

/** Redeliver like the queue would: the same batch again until it is acked (at most `tries` times). */
async function deliver(flusher: S3Flusher, groups: LogGroup[], options: FlushOptions, tries = 5) {
  let failures = 0;
  for (;;) {
    try {
      await flusher.flush('shop', 'nginx', 'cfg', groups, options);
      return failures;
    } catch (error) {
      expect(error).toBeInstanceOf(FlushError);
      expect((error as FlushError).retryable).toBe(true);
      if (++failures >= tries) throw error;
    }
  }
}

describe('S3Flusher against s3rver (through the conditional-write proxy)', () => {
  it('writes JSONL + gzip objects that read back as the shared log line, with headers and metadata', async () => {
    const { flusher, keyPrefix } = await startFlusher();
    const groups = [
      groupAt([FEB28_23H + 10, FEB28_23H + 3600 + 5], 'a', {
        topic: 'access',
        logTags: [{ key: 'env', value: 'prod' }],
      }),
      groupAt([FEB28_23H + 20], 'b', { source: '10.0.0.9' }),
    ];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1', 'm2'] });

    const objects = await harness.env.readAll(keyPrefix);
    expect(objects).toHaveLength(2);
    const [first, second] = objects as [StoredObject, StoredObject];
    expect(first.contentType).toBe('application/x-ndjson');
    expect(first.contentEncoding).toBe('gzip');
    expect(first.raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(first.metadata).toMatchObject({
      'log-count': '2',
      'first-log-time': '2024-02-28T23:00:10.000Z',
      'last-log-time': '2024-02-28T23:00:20.000Z',
      format: 'jsonl',
    });
    expect(jsonLines(first)).toEqual([
      {
        time: FEB28_23H + 10,
        timeNs: 0,
        project: 'shop',
        logstore: 'nginx',
        topic: 'access',
        source: '10.0.0.1',
        tags: { env: 'prod' },
        contents: { id: 'a-0', msg: 'request 0 \u00e9\u4e2d "quoted"' },
      },
      expect.objectContaining({
        time: FEB28_23H + 20,
        source: '10.0.0.9',
        contents: expect.objectContaining({ id: 'b-0' }),
      }),
    ]);
    expect(jsonLines(second)).toEqual([
      expect.objectContaining({
        time: FEB28_23H + 3605,
        timeNs: 1,
        contents: expect.objectContaining({ id: 'a-1' }),
      }),
    ]);
    expect(second.metadata['log-count']).toBe('1');
  });

  it('writes protobuf + zstd objects that decode back to the input groups, split by hour', async () => {
    const { flusher, keyPrefix } = await startFlusher({ format: 'protobuf', compression: 'zstd' });
    const groups = [
      groupAt([FEB28_23H + 1, FEB28_23H + 3601, FEB28_23H + 2], 'a', { category: 'c', machineUUID: 'm-1' }),
      groupAt([FEB28_23H + 3602], 'b'),
    ];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1', 'm2'] });

    const objects = await harness.env.readAll(keyPrefix);
    expect(objects.map((o) => o.key.slice(-7))).toEqual(['.pb.zst', '.pb.zst']);
    expect(objects[0]!.contentType).toBe('application/x-protobuf');
    expect(objects[0]!.contentEncoding).toBe('zstd');
    const [a, b] = groups as [LogGroup, LogGroup];
    expect(decodeLogGroupList(objects[0]!.body)).toEqual([{ ...a, logs: [a.logs[0], a.logs[2]] }]);
    expect(decodeLogGroupList(objects[1]!.body)).toEqual([{ ...a, logs: [a.logs[1]] }, b]);
  });

  it('lays keys out by UTC hour across a day boundary, with safe project/logstore segments', async () => {
    const { flusher, keyPrefix } = await startFlusher();
    const times = [FEB28_23H + 3599, FEB28_23H + 3600, FEB28_23H + 3600 + 13 * 3600 + 1800];
    await flusher.flush('my/project', 'nginx', 'cfg', [groupAt(times, 'k')], { recordIds: ['m1'] });

    const keys = await harness.env.keys(keyPrefix);
    const folders = keys.map((key) => key.slice(0, key.lastIndexOf('/') + 1));
    expect(folders).toEqual([
      expect.stringMatching(/^t\d+\/my_project~[0-9a-f]{8}\/nginx\/dt=2024-02-28\/hour=23\/$/),
      expect.stringMatching(/\/nginx\/dt=2024-02-29\/hour=00\/$/),
      expect.stringMatching(/\/nginx\/dt=2024-02-29\/hour=13\/$/),
    ]);
    for (const key of keys) expect(key).toMatch(/\/[0-9a-f]{32}\.jsonl\.gz$/);
    expect(keys.every((key) => key.startsWith(keyPrefix))).toBe(true);
  });

  it('never creates a second object when the same records are delivered again', async () => {
    const { flusher, keyPrefix, context } = await startFlusher();
    const groups = [groupAt([FEB28_23H, FEB28_23H + 3600], 'r')];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });
    const before = await harness.env.keys(keyPrefix);
    const puts = harness.env.proxy.count('PutObject');

    // A new execution environment knows nothing: its conditional writes meet 412s.
    const fresh = await startFlusher({ keyPrefix });
    await fresh.flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });

    expect(await harness.env.keys(keyPrefix)).toEqual(before);
    const redelivered = harness.env.proxy.requests.slice(-2);
    expect(redelivered.map((r) => [r.operation, r.conditional, r.status])).toEqual([
      ['PutObject', true, 412],
      ['PutObject', true, 412],
    ]);
    expect(harness.env.proxy.count('PutObject')).toBe(puts + 2);
    expect(fresh.context.metricValues.get('S3ObjectsAlreadyPresent')).toBe(2);
    expect(context.metricValues.get('S3ObjectsWritten')).toBe(2);

    // The same environment remembers what S3 confirmed: no request at all.
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });
    expect(harness.env.proxy.count('PutObject')).toBe(puts + 2);
    expect(context.metricValues.get('S3ObjectsAlreadyPresent')).toBe(2);
    expect(await harness.env.keys(keyPrefix)).toEqual(before);
  });

  it('keeps identical logs from different records as separate objects', async () => {
    const { flusher, keyPrefix } = await startFlusher();
    const groups = [groupAt([FEB28_23H], 'same')];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m2'] });
    expect(await harness.env.keys(keyPrefix)).toHaveLength(2);
  });

  it('loses nothing and duplicates nothing through 503 SlowDown, 500s, resets, lost responses and redeliveries', async () => {
    const { flusher, keyPrefix } = await startFlusher({ uploadConcurrency: 1, maxAttempts: 3 });
    for (const fault of [
      FAULTS.slowDown,
      FAULTS.internalError,
      FAULTS.reset,
      FAULTS.dropResponse, // s3rver stores the object, the client never hears: its retry must see 412
      { kind: 'delay', ms: 50 } as const,
    ]) {
      harness.env.proxy.inject({ operation: 'PutObject', times: 1, fault });
    }
    // Three 500s in a row exhaust one request's attempts: that flush fails and is redelivered.
    harness.env.proxy.inject({ operation: 'PutObject', times: 3, fault: FAULTS.internalError });

    const batches = Array.from({ length: 6 }, (_, b) => [
      groupAt([FEB28_23H + b, FEB28_23H + 3600 + b], `b${b}a`),
      groupAt([FEB28_23H + 100 + b], `b${b}b`),
    ]);
    let failures = 0;
    for (const [b, groups] of batches.entries()) {
      failures += await deliver(flusher, groups, { recordIds: [`m${b}a`, `m${b}b`] });
    }

    const objects = await harness.env.readAll(keyPrefix);
    const expected = batches.flatMap((groups) =>
      groups.flatMap((g) => g.logs.map((l) => l.contents[0]!.value)),
    );
    expect(ids(objects).sort()).toEqual(expected.sort());
    expect(objects).toHaveLength(12); // 6 batches x 2 hours, no duplicate object
    expect(failures).toBeGreaterThanOrEqual(1);
    expect(harness.env.proxy.requests.some((r) => r.fault === 'drop-response' && r.status === 200)).toBe(
      true,
    );
    expect(harness.env.proxy.requests.filter((r) => r.status === 412).length).toBeGreaterThanOrEqual(1);
  });

  it('retries a 409 ConditionalRequestConflict and writes one object', async () => {
    const { flusher, keyPrefix } = await startFlusher();
    harness.env.proxy.inject({ operation: 'PutObject', times: 1, fault: FAULTS.conflict });
    const puts = harness.env.proxy.count('PutObject');
    await flusher.flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'c')], { recordIds: ['m1'] });
    expect(harness.env.proxy.count('PutObject')).toBe(puts + 2);
    expect(await harness.env.keys(keyPrefix)).toHaveLength(1);
  });

  it('rejects promptly with a DeadlineError when the signal aborts while the server stalls', async () => {
    // A request timeout far beyond the test's: only the signal can end this flush in time.
    const { flusher, keyPrefix } = await startFlusher({ requestTimeoutMs: 600_000 });
    harness.env.proxy.inject({ operation: 'PutObject', fault: FAULTS.stall });
    const deadline = new AbortController();
    const flushing = flusher
      .flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'd')], {
        recordIds: ['m1'],
        signal: deadline.signal,
      })
      .catch((e: unknown) => e);
    const stalled = await harness.env.proxy.waitFor(
      (r) => r.operation === 'PutObject' && r.key.startsWith(keyPrefix),
    );

    const abortedAt = performance.now();
    deadline.abort();
    expect(await flushing).toBeInstanceOf(DeadlineError);
    // Behaviour, not speed: the rejection follows the abort instead of waiting for the server.
    expect(performance.now() - abortedAt).toBeLessThan(2_000);
    await vi.waitFor(() => expect(stalled.aborted).toBe(true));
    expect(await harness.env.keys(keyPrefix)).toEqual([]);
  });

  it('is not ready while in-flight bytes reach the budget, and ready again once they are durable', async () => {
    const big = [
      groupAt(
        Array.from({ length: 40 }, (_, i) => FEB28_23H + i),
        'p',
      ),
    ];
    const small = [groupAt([FEB28_23H], 's')];
    const budget = 2_000;
    expect(estimateRawBytes(big)).toBeGreaterThanOrEqual(budget);
    expect(estimateRawBytes(small)).toBeLessThan(budget);
    const { flusher, keyPrefix } = await startFlusher({ maxInflightBytes: budget });
    harness.env.proxy.inject({ operation: 'PutObject', fault: { kind: 'delay', ms: 300 } });

    const smallFlush = flusher.flush('shop', 'nginx', 'cfg', small, { recordIds: ['s'] });
    await harness.env.proxy.waitFor((r) => r.operation === 'PutObject' && r.key.startsWith(keyPrefix));
    expect(flusher.isReady('shop', 'nginx', '')).toBe(true);
    await smallFlush;

    const bigFlush = flusher.flush('shop', 'nginx', 'cfg', big, { recordIds: ['b'] });
    await vi.waitFor(() =>
      expect(harness.env.proxy.requests.filter((r) => r.key.startsWith(keyPrefix))).toHaveLength(2),
    );
    expect(flusher.isReady('shop', 'nginx', '')).toBe(false);
    await bigFlush;
    expect(flusher.isReady('shop', 'nginx', '')).toBe(true);
    expect(flusher.inFlightBytes).toBe(0);
  });

  it('opens the circuit breaker after repeated failures: not ready, fast refusals, then recovers', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 10_000, now: () => now });
    const { flusher, keyPrefix, context } = await startFlusher({ maxAttempts: 1 }, { breaker });
    harness.env.proxy.inject({ operation: 'PutObject', fault: FAULTS.internalError });
    const batch = [groupAt([FEB28_23H], 'cb')];

    await expect(flusher.flush('shop', 'nginx', 'cfg', batch, { recordIds: ['m'] })).rejects.toBeInstanceOf(
      FlushError,
    );
    expect(flusher.isReady('shop', 'nginx', '')).toBe(true);
    await expect(flusher.flush('shop', 'nginx', 'cfg', batch, { recordIds: ['m'] })).rejects.toBeInstanceOf(
      FlushError,
    );
    expect(flusher.isReady('shop', 'nginx', '')).toBe(false);
    expect(context.logs.some((l) => l.level === 'warn' && l.message.includes('circuit breaker opened'))).toBe(
      true,
    );

    const puts = harness.env.proxy.count('PutObject');
    const refused = await flusher.flush('shop', 'nginx', 'cfg', batch, { recordIds: ['m'] }).catch((e) => e);
    expect(refused).toBeInstanceOf(FlushError);
    expect((refused as FlushError).retryable).toBe(true);
    expect((refused as FlushError).message).toMatch(/circuit breaker open/);
    expect(harness.env.proxy.count('PutObject')).toBe(puts);

    now += 10_000;
    harness.env.proxy.clearFaults();
    expect(flusher.isReady('shop', 'nginx', '')).toBe(true);
    await flusher.flush('shop', 'nginx', 'cfg', batch, { recordIds: ['m'] });
    expect(breaker.state).toBe('closed');
    expect(await harness.env.keys(keyPrefix)).toHaveLength(1);
  });

  it('closes a half-open breaker only on what S3 says now, not on objects remembered from before', async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10_000, now: () => now });
    const { flusher } = await startFlusher({ maxAttempts: 1 }, { breaker });
    const remembered = [groupAt([FEB28_23H], 'known')];
    await flusher.flush('shop', 'nginx', 'cfg', remembered, { recordIds: ['known'] });
    harness.env.proxy.inject({ operation: 'PutObject', times: 1, fault: FAULTS.internalError });
    await expect(
      flusher.flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'new')], { recordIds: ['new'] }),
    ).rejects.toBeInstanceOf(FlushError);
    now += 10_000;
    expect(breaker.state).toBe('half-open');

    const puts = harness.env.proxy.count('PutObject');
    await flusher.flush('shop', 'nginx', 'cfg', remembered, { recordIds: ['known'] });
    expect(harness.env.proxy.count('PutObject')).toBe(puts); // nothing sent: S3 said nothing
    expect(breaker.state).toBe('half-open');
  });

  it('fails fast with a permanent FlushError when the bucket does not exist', async () => {
    const { flusher } = await startFlusher({ bucket: MISSING_BUCKET });
    const puts = harness.env.proxy.count('PutObject');
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'x')], { recordIds: ['m'] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(false);
    expect((error as FlushError).message).toMatch(/NoSuchBucket \(HTTP 404\).*permanent/);
    expect(harness.env.proxy.count('PutObject')).toBe(puts + 1);
  });

  it('fails fast with a permanent FlushError on AccessDenied, without retrying', async () => {
    const { flusher } = await startFlusher();
    harness.env.proxy.inject({ operation: 'PutObject', fault: FAULTS.accessDenied });
    const puts = harness.env.proxy.count('PutObject');
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'x')], { recordIds: ['m'] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(false);
    expect((error as FlushError).message).toMatch(/AccessDenied \(HTTP 403\).*permanent/);
    expect(harness.env.proxy.count('PutObject')).toBe(puts + 1);
  });

  it('writes unkeyed batches (no record ids) as distinct objects', async () => {
    const { flusher, keyPrefix } = await startFlusher();
    const groups = [groupAt([FEB28_23H], 'u')];
    await flusher.flush('shop', 'nginx', 'cfg', groups);
    await flusher.flush('shop', 'nginx', 'cfg', groups);
    expect(await harness.env.keys(keyPrefix)).toHaveLength(2);
  });

  it('createS3Destination: flushers share one client and one breaker, and outlive each other', async () => {
    const { env } = harness;
    const keyPrefix = env.prefix();
    const s3 = createS3Destination(
      // A cooldown long enough that stop + init under a loaded CI machine cannot outlast it.
      env.config({ keyPrefix, breakerFailureThreshold: 1, breakerCooldownMs: 1_000 }),
      env.clientConfig,
    );
    const first = s3.flusher();
    await first.init(fakeContext());
    env.proxy.inject({ operation: 'PutObject', times: 1, fault: FAULTS.accessDenied });
    await expect(
      first.flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'd')], { recordIds: ['m'] }),
    ).rejects.toThrow(/AccessDenied/);
    await first.stop();

    const second = s3.flusher();
    await second.init(fakeContext());
    expect(second.isReady('shop', 'nginx', '')).toBe(false); // the breaker remembers
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await second.flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'd')], { recordIds: ['m'] }); // client still open
    await s3.quarantine.put({
      reason: 'malformed',
      detail: 'x',
      source: 'sqs',
      recordId: 'm',
      payload: Uint8Array.of(1),
    });
    await second.stop();
    s3.client.destroy();
    const keys = await env.keys(keyPrefix);
    expect(keys).toHaveLength(2);
    expect(keys.filter((k) => k.startsWith(`${keyPrefix}_quarantine/`))).toHaveLength(1);
  });
});
