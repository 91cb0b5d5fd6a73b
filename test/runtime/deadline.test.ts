import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { defaultUrgencyMarginMs } from '../../src/runtime/Deadline.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import { captureOutput, jsonLines } from '../helpers/captureOutput.ts';
import { kinesisEvent, kinesisRecord, lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { groupFor, harness, jsonBody } from '../helpers/handlerHarness.ts';

describe('deadline urgency', () => {
  it('answers before the deadline when a flush hangs, reporting its records, and replaces the flusher', async () => {
    const { options, flushers } = harness({ flush: (logstore) => (logstore === 'stuck' ? 'hang' : 'ok') });
    const handler = createSqsHandler({ ...options, urgencyMarginMs: 200 });
    const stuck = sqsMessage(jsonBody(groupFor('stuck')));
    const fine = sqsMessage(jsonBody(groupFor('fine')));
    const context = lambdaContext(800);
    const response = await handler(sqsEvent([stuck, fine]), context);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: stuck.messageId }]);
    expect(flushers[0]!.events).toEqual(['init', 'setUrgent(false)', 'stop']);
    await handler(sqsEvent([sqsMessage(jsonBody(groupFor('fine')))]), lambdaContext());
    expect(flushers).toHaveLength(2);
  });

  it('acks a slow flush that finishes before the margin', async () => {
    const { options } = harness({ flush: () => ({ delayMs: 100 }) });
    const handler = createSqsHandler({ ...options, urgencyMarginMs: 200 });
    const response = await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext(2_000));
    expect(response.batchItemFailures).toEqual([]);
  });

  it('reports everything without flushing when the invocation starts inside the margin, and warns why', async () => {
    const { options, flushers } = harness();
    const logger = new Logger({ logLevel: 'WARN' });
    const handler = createKinesisHandler({ ...options, logger, urgencyMarginMs: 500 });
    const records = [kinesisRecord(encodeLogGroupList([groupFor('a')]))];
    const { result: response, output } = await captureOutput(() =>
      handler(kinesisEvent(records), lambdaContext(300)),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.kinesis.sequenceNumber }]);
    expect(flushers.flatMap((f) => f.calls)).toHaveLength(0);
    const warning = jsonLines(output).find((line) =>
      String(line.message).includes('inside the urgency margin'),
    );
    expect(warning).toMatchObject({ level: 'WARN', urgencyMarginMs: 500 });
    expect(warning?.remainingMs).toBeLessThanOrEqual(300);
  });

  it('answers with every record for retry, never a timeout error, when only a few milliseconds are left', async () => {
    // An init still running when the invocation starts makes the answer wait for a timer.
    const { options } = harness({ init: () => new Promise((resolve) => setTimeout(resolve, 20)) });
    const handler = createSqsHandler(options);
    const messages = [sqsMessage(jsonBody()), sqsMessage(jsonBody())];
    for (const remainingMs of [0, 1, 3]) {
      const response = await handler(sqsEvent(messages), lambdaContext(remainingMs));
      expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
        messages.map((m) => m.messageId),
      );
    }
  });

  it('answers before the deadline when the flusher init hangs', async () => {
    const { options } = harness({ init: () => new Promise(() => {}) });
    const handler = createSqsHandler({ ...options, urgencyMarginMs: 100 });
    const message = sqsMessage(jsonBody());
    const context = lambdaContext(400);
    const response = await handler(sqsEvent([message]), context);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: message.messageId }]);
  });

  it('scales the default margin with the invocation time, within 200 ms and 5 s', () => {
    expect(defaultUrgencyMarginMs(3_000)).toBe(300);
    expect(defaultUrgencyMarginMs(1_000)).toBe(200);
    expect(defaultUrgencyMarginMs(900_000)).toBe(5_000);
  });
});
