import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { HandlerOptions } from '../../src/runtime/HandlerOptions.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import { kinesisEvent, kinesisRecord, lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { groupFor, jsonBody } from '../helpers/handlerHarness.ts';
import { pipelineHarness } from '../helpers/pipelineHarness.ts';

type Response = SQSBatchResponse | KinesisStreamBatchResponse;
type Invoke = (event: unknown, context: Context) => Promise<Response>;

const sqsHandler = (options: HandlerOptions): Invoke => {
  const handler = createSqsHandler(options);
  return (event, context) => handler(event as SQSEvent, context);
};
const kinesisHandler = (options: HandlerOptions): Invoke => {
  const handler = createKinesisHandler(options);
  return (event, context) => handler(event as KinesisStreamEvent, context);
};

/** One source: a batch of `count` records over two logstores, its handler, and the ids it reports. */
const SOURCES = {
  sqs: {
    batch: (count: number) => {
      const messages = Array.from({ length: count }, (_, n) => sqsMessage(jsonBody(groupFor(`s${n % 2}`))));
      return { event: sqsEvent(messages), ids: messages.map((m) => m.messageId) };
    },
    handler: sqsHandler,
    /** Standard queue: every record not durable. */
    expected: (ids: string[], failedFrom: number) => ids.slice(failedFrom),
  },
  'sqs-fifo': {
    batch: (count: number) => {
      const messages = Array.from({ length: count }, (_, n) =>
        sqsMessage(jsonBody(groupFor(`s${n % 2}`)), { groupId: 'G' }),
      );
      return { event: sqsEvent(messages), ids: messages.map((m) => m.messageId) };
    },
    handler: sqsHandler,
    /** FIFO: the first failed message of the group and every later one. */
    expected: (ids: string[], failedFrom: number) => ids.slice(failedFrom),
  },
  kinesis: {
    batch: (count: number) => {
      const records = Array.from({ length: count }, (_, n) =>
        kinesisRecord(encodeLogGroupList([groupFor(`s${n % 2}`, [{ n: String(n) }])])),
      );
      return { event: kinesisEvent(records), ids: records.map((r) => r.kinesis.sequenceNumber) };
    },
    handler: kinesisHandler,
    /** Kinesis: the first record not durable (Lambda resumes there). */
    expected: (ids: string[], failedFrom: number) => ids.slice(failedFrom, failedFrom + 1),
  },
} as const;

const reported = (response: Response) => response.batchItemFailures.map((f) => f.itemIdentifier);

describe.each(Object.keys(SOURCES) as (keyof typeof SOURCES)[])('a three-flusher pipeline on %s', (name) => {
  const source = SOURCES[name];

  it('answers exactly, in time, with one flusher not ready, one hanging (its stop too) and one healthy; the redelivery writes the healthy one no second time', async () => {
    let first = true;
    const pipeline = pipelineHarness({
      archive: {},
      search: { ready: () => !first },
      metrics: { flush: () => (first ? 'hang' : 'ok'), stop: 'hang' },
    });
    const handler = source.handler(pipeline.options);
    const { event, ids } = source.batch(4);

    const started = Date.now();
    const response = await handler(event, lambdaContext(1_000));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(reported(response)).toEqual(source.expected(ids, 0));
    // Nothing after the first record, whose other flushers failed, reached anyone in an ordered source.
    expect([...pipeline.storedIds('archive')].sort()).toEqual(
      name === 'sqs' ? [...ids].sort() : ids.slice(0, 1),
    );

    first = false;
    // Every record was reported (Kinesis: from the first on), so the whole batch comes again.
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect([...pipeline.calledIds('archive')].sort()).toEqual([...ids].sort());
    expect([...pipeline.storedIds('search')].sort()).toEqual([...ids].sort());
    expect([...pipeline.storedIds('metrics')].sort()).toEqual([...ids].sort());
    expect(pipeline.of('metrics')[0]!.events).toEqual(['init', 'setUrgent(false)', 'stop']);
  });
});
