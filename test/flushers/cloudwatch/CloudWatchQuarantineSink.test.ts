import { createHash } from 'node:crypto';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlushError } from '../../../src/errors.ts';
import { cloudWatchQuarantineConfigFromEnv } from '../../../src/flushers/cloudwatch/config.ts';
import { ResourceCache } from '../../../src/flushers/cloudwatch/ResourceCache.ts';
import {
  CloudWatchQuarantineSink,
  type QuarantineEventMessage,
  quarantineMessages,
} from '../../../src/quarantine/CloudWatchQuarantineSink.ts';
import { CloudWatchLogsEndpoint } from '../../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { aQuarantineEntry } from '../../helpers/quarantineEntries.ts';
import { clientFor, readEvents } from './helpers.ts';

const NOW = 1_700_000_000_000;

/** Rebuild each record's payload from its parts. */
function reassemble(messages: string[]): Map<string, Buffer> {
  const parts = messages.map((m) => JSON.parse(m) as QuarantineEventMessage);
  const byRecord = new Map<string, QuarantineEventMessage[]>();
  for (const part of parts) byRecord.set(part.recordId, [...(byRecord.get(part.recordId) ?? []), part]);
  const out = new Map<string, Buffer>();
  for (const [recordId, list] of byRecord) {
    list.sort((a, b) => a.part - b.part);
    expect(list.map((p) => p.part)).toEqual(list.map((_, i) => i + 1));
    expect(list.every((p) => p.parts === list.length)).toBe(true);
    const payload = Buffer.concat(list.map((p) => Buffer.from(p.payloadBase64, 'base64')));
    expect(createHash('sha256').update(payload).digest('hex')).toBe(list[0]!.payloadSha256);
    out.set(recordId, payload);
  }
  return out;
}

describe('CloudWatchQuarantineSink', () => {
  let endpoint: CloudWatchLogsEndpoint;
  let client: CloudWatchLogsClient;
  const config = () => ({
    ...cloudWatchQuarantineConfigFromEnv({ CWL_QUARANTINE_RETENTION_DAYS: '3653' }),
    backoff: { baseMs: 1, maxMs: 5, maxAttempts: 3 },
  });
  const sink = () =>
    new CloudWatchQuarantineSink(config(), { client, cache: new ResourceCache(), now: () => NOW });

  beforeAll(async () => {
    endpoint = await CloudWatchLogsEndpoint.start({ now: () => NOW });
    client = clientFor(endpoint);
  });
  afterEach(() => endpoint.reset(() => NOW));
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
  });

  it('writes an entry as one JSON event in its own log group, created with its retention', async () => {
    const payload = Buffer.from([0, 1, 2, 255, 254]);
    await sink().put(aQuarantineEntry(payload));
    const events = await readEvents(client, '/loggroup-flusher/quarantine', 'quarantine');
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.message)).toEqual({
      reason: 'malformed',
      detail: 'LogGroup.Logs at byte 3: truncated',
      source: 'sqs',
      recordId: 'm-1',
      part: 1,
      parts: 1,
      payloadSha256: createHash('sha256').update(payload).digest('hex'),
      payloadBase64: payload.toString('base64'),
    });
    expect(endpoint.service.groups.get('/loggroup-flusher/quarantine')!.retentionInDays).toBe(3653);
  });

  it('splits a payload too large for one event into parts that each fit, losing no byte', async () => {
    const payload = Buffer.alloc(1_200_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) % 256;
    const messages = quarantineMessages(aQuarantineEntry(payload));
    expect(messages.length).toBe(2);
    for (const m of messages) expect(Buffer.byteLength(m) + 26).toBeLessThanOrEqual(1_048_576);
    expect(reassemble(messages).get('m-1')!.equals(payload)).toBe(true);

    await sink().put(aQuarantineEntry(payload));
    const stored = await readEvents(client, '/loggroup-flusher/quarantine', 'quarantine');
    expect(endpoint.count('PutLogEvents')).toBe(2);
    expect(
      reassemble(stored.map((e) => e.message))
        .get('m-1')!
        .equals(payload),
    ).toBe(true);
  });

  it('does not store again the parts an earlier attempt stored', async () => {
    const payload = Buffer.alloc(1_800_000, 7);
    const quarantine = sink();
    // Part 1 is stored; part 2 fails three times (every attempt); part 3 is never reached.
    endpoint.schedule(
      'PutLogEvents',
      { kind: 'delay', ms: 0 },
      { kind: 'unavailable' },
      { kind: 'unavailable' },
      { kind: 'unavailable' },
    );
    await expect(quarantine.put(aQuarantineEntry(payload))).rejects.toBeInstanceOf(FlushError);
    await quarantine.put(aQuarantineEntry(payload));
    const stored = await readEvents(client, '/loggroup-flusher/quarantine', 'quarantine');
    const parts = stored.map((e) => (JSON.parse(e.message) as QuarantineEventMessage).part);
    expect(parts).toEqual([1, 2, 3]); // each once, in order
    expect(
      reassemble(stored.map((e) => e.message))
        .get('m-1')!
        .equals(payload),
    ).toBe(true);
  });

  it('keeps an empty payload as one part and cuts an oversized detail with a marker', () => {
    const [message] = quarantineMessages(aQuarantineEntry(new Uint8Array(), { detail: 'd'.repeat(10_000) }));
    const parsed = JSON.parse(message!) as QuarantineEventMessage;
    expect(parsed).toMatchObject({ part: 1, parts: 1, payloadBase64: '' });
    expect(parsed.detail).toMatch(/^d{4096}… \(detail cut at 4096 characters\)$/);
  });

  it('retries throttling and rejects with a retryable error when it cannot store the entry', async () => {
    endpoint.schedule('PutLogEvents', { kind: 'throttle' });
    await sink().put(aQuarantineEntry(Buffer.from('x')));
    endpoint.schedule(
      'PutLogEvents',
      { kind: 'unavailable' },
      { kind: 'unavailable' },
      { kind: 'unavailable' },
    );
    const error = await sink()
      .put(aQuarantineEntry(Buffer.from('y'), { recordId: 'm-2' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(true);
    const stored = await readEvents(client, '/loggroup-flusher/quarantine', 'quarantine');
    expect(stored.map((e) => (JSON.parse(e.message) as QuarantineEventMessage).recordId)).toEqual(['m-1']);
  });

  it('rejects when the service refuses the event (its clock is far off), never reporting it durable', async () => {
    endpoint.service.now = () => NOW + 20 * 24 * 3_600_000;
    await expect(sink().put(aQuarantineEntry(Buffer.from('x')))).rejects.toBeInstanceOf(FlushError);
  });
});
