import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { FlushError, PoisonReason } from '../../../src/errors.ts';
import { fakeContext } from '../../helpers/fakeContext.ts';
import {
  DAY,
  GROUP,
  HOUR,
  labels,
  NOW,
  readEvents,
  STREAM,
  timedGroup,
  useLoopbackFlusher,
} from './helpers.ts';

describe('CloudWatchLogsFlusher: events CloudWatch Logs refuses', () => {
  const h = useLoopbackFlusher();

  it('quarantines events it must refuse before sending, with reason and record, and sends the rest', async () => {
    const flusher = await h.start({ CWL_RETENTION_DAYS: '7', CWL_MESSAGE_KEY: 'body' });
    const big = 'x'.repeat(1_048_551);
    const groups = [
      timedGroup([
        ['ok', NOW],
        ['too-old', NOW - 15 * DAY],
      ]),
      timedGroup([
        ['too-new', NOW + 2 * HOUR + 1],
        ['expired', NOW - 8 * DAY],
      ]),
      { ...timedGroup([]), logs: [{ time: NOW / 1000, contents: [{ key: 'body', value: big }] }] },
    ];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['r1', 'r2', 'r3'] });

    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['ok']);
    expect(h.context.quarantined.map((q) => [q.recordId, q.reason]).sort()).toEqual([
      ['r1', PoisonReason.rejectedByDestination],
      ['r2', PoisonReason.rejectedByDestination],
      ['r2', PoisonReason.rejectedByDestination],
      ['r3', PoisonReason.tooLarge],
    ]);
    const details = h.context.quarantined.map((q) => q.detail).join('\n');
    expect(details).toMatch(/refused before sending: 1 event\(s\) .* older than 14 days/);
    expect(details).toMatch(/more than 2 hours in the future/);
    expect(details).toMatch(/older than the log group's retention/);
    expect(details).toMatch(/event limit/);
    const tooLarge = h.context.quarantined.find((q) => q.reason === PoisonReason.tooLarge)!;
    expect(JSON.parse(Buffer.from(tooLarge.payload).toString()).contents.body).toBe(big);
    for (const entry of h.context.quarantined) expect(entry.source).toBe('cloudwatch-logs');
    expect(Object.fromEntries(h.context.metricValues)).toMatchObject({
      CloudWatchLogsEventsStored: 1,
      CloudWatchLogsEventsRefusedTooOld: 1,
      CloudWatchLogsEventsRefusedTooNew: 1,
      CloudWatchLogsEventsRefusedExpired: 1,
      CloudWatchLogsEventsRefusedTooLarge: 1,
    });
  });

  it('quarantines the events the service reports in rejectedLogEventsInfo', async () => {
    // Someone gave the group a 1-day retention, and the service's clock runs an hour behind ours.
    await h.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await h.client.send(new PutRetentionPolicyCommand({ logGroupName: GROUP, retentionInDays: 1 }));
    h.endpoint.service.now = () => NOW - HOUR;
    const flusher = await h.start();
    const group = timedGroup([
      ['expired', NOW - 2 * DAY],
      ['ok', NOW - HOUR],
      ['too-new', NOW + 90 * 60_000],
    ]);
    await flusher.flush('shop', 'nginx', 'cfg', [group], { recordIds: ['r1'] });

    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['ok']);
    expect(h.context.quarantined.map((q) => [q.recordId, q.reason])).toEqual([
      ['r1', PoisonReason.rejectedByDestination],
      ['r1', PoisonReason.rejectedByDestination],
    ]);
    const payloads = h.context.quarantined.map((q) =>
      labels([{ message: Buffer.from(q.payload).toString().trim() }]),
    );
    expect(payloads.flat().sort()).toEqual(['expired', 'too-new']);
    expect(h.context.quarantined.every((q) => q.detail.includes('rejected by the service'))).toBe(true);
    expect(Object.fromEntries(h.context.metricValues)).toMatchObject({
      CloudWatchLogsEventsRejectedExpired: 1,
      CloudWatchLogsEventsRejectedTooNew: 1,
    });
  });

  it('also quarantines events the service finds too old', async () => {
    h.endpoint.service.now = () => NOW + 3 * DAY;
    const flusher = await h.start();
    await flusher.flush('shop', 'nginx', 'cfg', [
      timedGroup([
        ['old', NOW - 12 * DAY],
        ['ok', NOW],
      ]),
    ]);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['ok']);
    expect(h.context.quarantined).toHaveLength(1);
    expect(h.context.metricValues.get('CloudWatchLogsEventsRejectedTooOld')).toBe(1);
  });

  it('hands the records back when events are refused and no quarantine is configured', async () => {
    const flusher = await h.start({}, { context: fakeContext({ quarantine: undefined }) });
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [
        timedGroup([
          ['ok', NOW],
          ['old', NOW - 20 * DAY],
        ]),
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(false);
    expect(h.endpoint.count('PutLogEvents')).toBe(0);
  });

  it('rejects with a retryable error when the quarantine write fails, so the record is retried', async () => {
    const quarantine = {
      description: () => 'broken',
      put: async () => Promise.reject(new Error('disk full')),
    };
    const flusher = await h.start({}, { context: fakeContext({ quarantine }) });
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [
        timedGroup([
          ['ok', NOW],
          ['old', NOW - 20 * DAY],
        ]),
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(true);
  });
});
