import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import { kinesisEvent, kinesisRecord, lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { emittedMetrics, harness } from '../helpers/handlerHarness.ts';
import { aggregateKpl } from '../helpers/kplAggregator.ts';
import { aLogGroup } from '../helpers/logGroups.ts';

/** A LogGroupList of about `kib` KiB: `kib` logs of 1 KiB each. */
function payloadOf(kib: number): Uint8Array {
  return encodeLogGroupList([
    aLogGroup(Array.from({ length: kib }, (_, i) => ({ i: String(i), line: 'x'.repeat(1000) }))),
  ]);
}

describe('the batch decode budget and a deadline reached while decoding', () => {
  it('SQS: decodes until the budget is reached, then hands the rest back undecoded', async () => {
    const { options, flushers } = harness({}, { maxBatchDecodedBytes: 300 * 1024 });
    const handler = createSqsHandler(options);
    const body = Buffer.from(payloadOf(200)).toString('base64');
    const messages = Array.from({ length: 4 }, () => sqsMessage(body));

    let response: Awaited<ReturnType<typeof handler>> | undefined;
    const emitted = await emittedMetrics(async () => {
      response = await handler(sqsEvent(messages), lambdaContext());
    });

    // 200 KiB after the first, 400 KiB after the second: the budget stops the third and fourth.
    expect(response!.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      messages[2]!.messageId,
      messages[3]!.messageId,
    ]);
    expect(flushers[0]!.flushed.flatMap((call) => call.options?.recordIds ?? [])).toEqual([
      messages[0]!.messageId,
      messages[1]!.messageId,
    ]);
    expect(emitted.find((e) => 'RecordsReceived' in e)).toMatchObject({ RecordsDeferred: 2 });
  });

  it('makes progress with any budget: a record too large for it on its own is quarantined', async () => {
    const { options, quarantine } = harness({}, { maxBatchDecodedBytes: 80 * 1024 });
    const handler = createKinesisHandler(options);
    const records = [100, 50, 50, 10].map((kib) => kinesisRecord(payloadOf(kib)));
    const response = await handler(kinesisEvent(records), lambdaContext());
    // The first can never fit: quarantined. The second and third are decoded (the budget is not
    // reached before either), the fourth waits for the next batch: Kinesis resumes from it.
    expect(quarantine.entries.map((e) => [e.recordId, e.reason])).toEqual([
      [records[0]!.kinesis.sequenceNumber, 'too-large'],
    ]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[3]!.kinesis.sequenceNumber }]);
  });

  it('answers before its deadline when decoding the batch would take longer', async () => {
    // No budget in the way: this is about time. Each record is a gzip of 4 MiB of logs (10-20 ms
    // to inflate and check); the 100 records would take far longer than the 400 ms the invocation has.
    const { options } = harness({}, { maxBatchDecodedBytes: 1024 * 1024 * 1024 });
    const handler = createKinesisHandler(options);
    const data = gzipSync(payloadOf(4096));
    const records = Array.from({ length: 100 }, () => kinesisRecord(data));
    const started = performance.now();
    const response = await handler(kinesisEvent(records), lambdaContext(400));
    expect(performance.now() - started).toBeLessThan(400);
    // Not all of it was decoded and flushed in time: the checkpoint is somewhere in the batch.
    expect(response.batchItemFailures).toHaveLength(1);
  });

  it('quarantines a KPL aggregate whose user records together decode past the budget', async () => {
    const { options, quarantine, flushers } = harness({}, { maxBatchDecodedBytes: 300 * 1024 });
    const handler = createKinesisHandler(options);
    const part = gzipSync(payloadOf(200));
    const aggregate = kinesisRecord(
      aggregateKpl([1, 2, 3].map((n) => ({ partitionKey: `k${n}`, data: part }))),
    );
    const next = kinesisRecord(payloadOf(10));
    const response = await handler(kinesisEvent([aggregate, next]), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries.map((e) => [e.recordId, e.reason])).toEqual([
      [aggregate.kinesis.sequenceNumber, 'too-large'],
    ]);
    expect(flushers[0]!.flushed.flatMap((call) => call.options?.recordIds ?? [])).toEqual([
      next.kinesis.sequenceNumber,
    ]);
  });

  it('stops at the deadline inside a KPL aggregate of large compressed user records', async () => {
    const { options } = harness({}, { maxBatchDecodedBytes: 1024 * 1024 * 1024 });
    const handler = createKinesisHandler(options);
    const part = gzipSync(payloadOf(4096));
    const aggregate = kinesisRecord(
      aggregateKpl(Array.from({ length: 100 }, (_, n) => ({ partitionKey: `k${n}`, data: part }))),
    );
    const started = performance.now();
    const response = await handler(kinesisEvent([aggregate]), lambdaContext(400));
    expect(performance.now() - started).toBeLessThan(400);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: aggregate.kinesis.sequenceNumber }]);
  });
});
