import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadlineError, FlushError, PoisonReason } from '../../../src/errors.ts';
import type { QuarantineEntry } from '../../../src/quarantine/QuarantineSink.ts';
import { S3QuarantineSink } from '../../../src/quarantine/S3QuarantineSink.ts';
import { FAULTS } from '../../fixtures/s3/S3TestProxy.ts';
import { MISSING_BUCKET, S3TestEnvironment, TEST_BUCKET } from '../../fixtures/s3/s3TestEnvironment.ts';

let env: S3TestEnvironment;
beforeAll(async () => {
  env = await S3TestEnvironment.start();
});
afterAll(async () => {
  await env?.close();
});

const entry: QuarantineEntry = {
  reason: PoisonReason.malformed,
  detail: 'LogGroup.Logs at byte 3: truncated',
  source: 'sqs',
  recordId: 'msg-1',
  payload: Uint8Array.from([0x0a, 0xff, 0x00, 0x80]),
};

function sink(bucket = TEST_BUCKET) {
  const keyPrefix = env.prefix();
  const quarantine = new S3QuarantineSink({
    client: env.client(),
    bucket,
    keyPrefix,
    now: () => new Date('2024-03-01T12:00:00Z'),
  });
  return { quarantine, keyPrefix };
}

describe('S3QuarantineSink', () => {
  it('stores one JSON object per entry under _quarantine/, with the payload in base64', async () => {
    const { quarantine, keyPrefix } = sink();
    await quarantine.put(entry);
    const keys = await env.keys(keyPrefix);
    expect(keys).toEqual([
      expect.stringMatching(new RegExp(`^${keyPrefix}_quarantine/sqs/malformed/[0-9a-f]{32}\\.json$`)),
    ]);
    const stored = await env.read(keys[0]!);
    expect(stored.contentType).toBe('application/json');
    expect(JSON.parse(stored.body.toString('utf8'))).toEqual({
      reason: 'malformed',
      detail: entry.detail,
      source: 'sqs',
      recordId: 'msg-1',
      quarantinedAt: '2024-03-01T12:00:00.000Z',
      payloadBase64: Buffer.from(entry.payload).toString('base64'),
    });
    expect(quarantine.description()).toContain(`s3://${TEST_BUCKET}/${keyPrefix}_quarantine/`);
  });

  it('is idempotent per record and reason: a second put of the same entry is a conditional no-op', async () => {
    const { quarantine, keyPrefix } = sink();
    await quarantine.put(entry);
    await quarantine.put(entry);
    expect(await env.keys(keyPrefix)).toHaveLength(1);
    expect(env.proxy.requests.at(-1)).toMatchObject({
      operation: 'PutObject',
      conditional: true,
      status: 412,
    });
  });

  it('keeps different reasons, records and payloads apart', async () => {
    const { quarantine, keyPrefix } = sink();
    await quarantine.put(entry);
    await quarantine.put({ ...entry, reason: PoisonReason.tooLarge });
    await quarantine.put({ ...entry, recordId: 'msg-2' });
    await quarantine.put({ ...entry, payload: Uint8Array.from([1, 2, 3]) });
    expect(await env.keys(keyPrefix)).toHaveLength(4);
  });

  it('rejects with a typed error the runtime can act on', async () => {
    const missing = sink(MISSING_BUCKET).quarantine;
    const permanent = await missing.put(entry).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(FlushError);
    expect((permanent as FlushError).retryable).toBe(false);

    const { quarantine, keyPrefix } = sink();
    env.proxy.inject({ operation: 'PutObject', fault: FAULTS.stall });
    const deadline = new AbortController();
    const putting = quarantine.put(entry, deadline.signal).catch((e: unknown) => e);
    await env.proxy.waitFor((r) => r.operation === 'PutObject' && r.key.startsWith(keyPrefix));
    deadline.abort();
    expect(await putting).toBeInstanceOf(DeadlineError);
    env.proxy.clearFaults();
  });
});
