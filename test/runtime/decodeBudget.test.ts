import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import { kinesisEvent, kinesisRecord, lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { emittedMetrics, harness } from '../helpers/handlerHarness.ts';
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

  it('always decodes the first record, however small the budget', async () => {
    const { options } = harness({}, { maxBatchDecodedBytes: 1 });
    const handler = createKinesisHandler(options);
    const records = [kinesisRecord(payloadOf(50)), kinesisRecord(payloadOf(50))];
    const response = await handler(kinesisEvent(records), lambdaContext());
    // Kinesis: the checkpoint moves past the first record; the second comes again.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.kinesis.sequenceNumber }]);
  });

  it('answers before its deadline when decoding the batch would take longer', async () => {
    // No budget in the way: this is about time. Each record is a gzip of 4 MiB of logs (tens of
    // ms to decode); the 30 records would take far longer than the 400 ms the invocation has.
    const { options } = harness({}, { maxBatchDecodedBytes: 1024 * 1024 * 1024 });
    const handler = createKinesisHandler(options);
    const data = gzipSync(payloadOf(4096));
    const records = Array.from({ length: 30 }, () => kinesisRecord(data));
    const started = performance.now();
    const response = await handler(kinesisEvent(records), lambdaContext(400));
    expect(performance.now() - started).toBeLessThan(400);
    // Not all of it was decoded and flushed in time: the checkpoint is somewhere in the batch.
    expect(response.batchItemFailures).toHaveLength(1);
  });
});
