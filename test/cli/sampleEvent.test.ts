// `loggroup-flusher sample-event`: events like test/events/*.json, with log times of now.
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEventText } from '../../src/cli/sampleEvent.ts';
import { decodePayload } from '../../src/input/decodePayload.ts';
import { CloudWatchLogsEndpoint } from '../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { cli, root } from './runCli.ts';

const SOURCES = ['sqs', 'sqs-fifo', 'kinesis'] as const;
const MINUTE = 60_000;

interface EventRecord {
  body?: string;
  attributes?: { SentTimestamp: string };
  kinesis?: { data: string; approximateArrivalTimestamp: number };
}

/** Every log time (ms) and send time (ms) in an event. */
function times(event: { Records: EventRecord[] }): { logs: number[]; sent: number[] } {
  const logs: number[] = [];
  const sent: number[] = [];
  for (const record of event.Records) {
    const bytes = record.kinesis
      ? Buffer.from(record.kinesis.data, 'base64')
      : Buffer.from(record.body!, 'utf8');
    sent.push(
      record.kinesis
        ? record.kinesis.approximateArrivalTimestamp * 1000
        : Number(record.attributes!.SentTimestamp),
    );
    try {
      const { groups } = decodePayload(bytes, { format: 'auto', maxDecompressedBytes: 1 << 20 });
      for (const group of groups) for (const log of group.logs) logs.push(log.time * 1000);
    } catch {
      // the SQS event's poison message
    }
  }
  return { logs, sent };
}

describe('sample-event', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-event-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(SOURCES)('makes test/events/%s.json byte for byte at its fixed time', async (source) => {
    const fixture = await readFile(join(root, 'test/events', `${source}.json`), 'utf8');
    expect(sampleEventText(source, { startTime: 1_764_000_000, sentMs: 1_764_000_000_000 })).toBe(fixture);
  });

  describe.concurrent('from the CLI', () => {
    it.each(SOURCES)('--source %s writes an event whose logs are from the last minutes', async (source) => {
      const before = Date.now();
      const result = await cli(['sample-event', '--source', source]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const event = JSON.parse(result.stdout);
      const fixture = JSON.parse(await readFile(join(root, 'test/events', `${source}.json`), 'utf8'));
      expect(event.Records).toHaveLength(fixture.Records.length);
      const { logs, sent } = times(event);
      expect(logs).toHaveLength(times(fixture).logs.length);
      for (const time of [...logs, ...sent]) {
        expect(time).toBeGreaterThan(before - 2 * MINUTE);
        expect(time).toBeLessThan(Date.now() + MINUTE);
      }
    });

    it('--out writes the event to a file', async () => {
      const out = join(dir, 'kinesis.json');
      const result = await cli(['sample-event', '--source', 'kinesis', '--out', out]);
      expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(JSON.parse(await readFile(out, 'utf8')).Records).toHaveLength(3);
    });
  });

  describe('on the CloudWatch Logs path', () => {
    let cwl: CloudWatchLogsEndpoint;
    beforeAll(async () => {
      cwl = await CloudWatchLogsEndpoint.start();
    });
    afterAll(() => cwl.close());

    const invoke = (event: string, stream: string) =>
      cli(['invoke', '--source', 'sqs', '--event', event], {
        FLUSHER: 'cloudwatch-logs',
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cwl.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        PROJECT: 'shop',
        CWL_LOG_STREAM: stream,
      });
    const stored = (stream: string) =>
      ['nginx-access', 'checkout'].flatMap(
        (logstore) => cwl.service.events(`/loggroup-flusher/shop/${logstore}`, stream) ?? [],
      );

    it('a fresh sample event is stored; the fixed test fixture is refused as too old', async () => {
      const fresh = join(dir, 'sqs.json');
      expect((await cli(['sample-event', '--source', 'sqs', '--out', fresh])).code).toBe(0);
      const now = await invoke(fresh, 'fresh');
      expect(now.code).toBe(0);
      expect(JSON.parse(now.stdout)).toEqual({ batchItemFailures: [] });
      expect(stored('fresh')).toHaveLength(9);

      // The fixtures' logs are from November 2025: CloudWatch Logs takes nothing older than 14 days.
      const old = await invoke(join(root, 'test/events/sqs.json'), 'old');
      expect(old.code).toBe(0);
      expect(stored('old')).toHaveLength(0);
      const quarantined = (cwl.service.events('/loggroup-flusher/quarantine', 'quarantine') ?? []).map(
        (event) => JSON.parse(event.message).reason,
      );
      expect(quarantined).toContain('rejected-by-destination');
    });
  });
});
