import { describe, expect, it } from 'vitest';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import { kinesisEvent, kinesisRecord, lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { groupFor, jsonBody } from '../helpers/handlerHarness.ts';
import { pipelineHarness } from '../helpers/pipelineHarness.ts';

const data = (...groups: LogGroup[]) => encodeLogGroupList(groups);

describe('a pipeline on ordered sources', () => {
  it('FIFO: a group spanning two logstores that fails at its second message sends nothing later to either destination', async () => {
    const pipeline = pipelineHarness({
      archive: {},
      search: { flush: (logstore) => (logstore === 'b' ? 'throw' : 'ok') },
    });
    const handler = createSqsHandler(pipeline.options);
    const g1 = sqsMessage(jsonBody(groupFor('a')), { groupId: 'G' });
    const g2 = sqsMessage(jsonBody(groupFor('b')), { groupId: 'G' });
    const g3 = sqsMessage(jsonBody(groupFor('a')), { groupId: 'G' });
    const g4 = sqsMessage(jsonBody(groupFor('b')), { groupId: 'G' });
    const h1 = sqsMessage(jsonBody(groupFor('a')), { groupId: 'H' });

    const response = await handler(sqsEvent([g1, g2, g3, g4, h1]), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      g2.messageId,
      g3.messageId,
      g4.messageId,
    ]);
    for (const name of ['archive', 'search']) {
      expect(pipeline.calledIds(name), name).not.toContain(g3.messageId);
      expect(pipeline.calledIds(name), name).not.toContain(g4.messageId);
    }
    expect(pipeline.storedIds('archive').sort()).toEqual([g1.messageId, g2.messageId, h1.messageId].sort());
    expect(pipeline.storedIds('search').sort()).toEqual([g1.messageId, h1.messageId].sort());
  });

  it('FIFO: other groups and destinations keep their concurrency; one call per destination when groups do not interleave', async () => {
    const pipeline = pipelineHarness({ archive: {} });
    const handler = createSqsHandler(pipeline.options);
    const messages = ['A', 'B', 'C'].flatMap((groupId) =>
      [1, 2].map(() => sqsMessage(jsonBody(groupFor('a')), { groupId })),
    );
    expect(await handler(sqsEvent(messages), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(pipeline.flushed('archive')).toHaveLength(1);
  });

  it('FIFO: the redelivery after a failure writes the healthy destination no second time', async () => {
    let failing = true;
    const pipeline = pipelineHarness({
      archive: {},
      search: { flush: () => (failing ? 'throw' : 'ok') },
    });
    const handler = createSqsHandler(pipeline.options);
    const messages = [1, 2, 3].map((n) => sqsMessage(jsonBody(groupFor(`s${n % 2}`)), { groupId: 'G' }));
    const first = await handler(sqsEvent(messages), lambdaContext());
    expect(first.batchItemFailures).toHaveLength(3);
    failing = false;
    expect(await handler(sqsEvent(messages), lambdaContext())).toEqual({ batchItemFailures: [] });
    const all = messages.map((m) => m.messageId).sort();
    expect(pipeline.calledIds('archive').sort()).toEqual(all);
    expect(pipeline.storedIds('search').sort()).toEqual(all);
  });

  it('Kinesis: reports the first record not durable, sends nothing after it anywhere, and resumes without rewriting the healthy flusher', async () => {
    let failing = true;
    const pipeline = pipelineHarness({
      archive: {},
      search: { flush: (logstore) => (failing && logstore === 'b' ? 'throw' : 'ok') },
    });
    const handler = createKinesisHandler(pipeline.options);
    const records = ['a', 'a', 'b', 'a', 'b', 'a'].map((logstore, n) =>
      kinesisRecord(data(groupFor(logstore, [{ n: String(n) }]))),
    );
    const seq = records.map((r) => r.kinesis.sequenceNumber);

    const first = await handler(kinesisEvent(records), lambdaContext());
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: seq[2] }]);
    for (const name of ['archive', 'search']) {
      expect(pipeline.calledIds(name), name).not.toContain(seq[3]);
    }
    expect(pipeline.storedIds('archive')).toEqual(seq.slice(0, 3));

    failing = false;
    const rest = records.slice(2);
    expect(await handler(kinesisEvent(rest), lambdaContext())).toEqual({ batchItemFailures: [] });
    // Every record reached the healthy flusher exactly once, in shard order.
    expect(pipeline.calledIds('archive')).toEqual(seq);
    expect(pipeline.storedIds('search')).toEqual(seq);
  });

  it('Kinesis: a shard bound for one destination set is flushed in one call per flusher', async () => {
    const pipeline = pipelineHarness({ archive: {}, search: {} });
    const handler = createKinesisHandler(pipeline.options);
    const records = [1, 2, 3, 4].map((n) =>
      kinesisRecord(data(groupFor('a', [{ n: String(n) }]), groupFor('b'))),
    );
    expect(await handler(kinesisEvent(records), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(
      pipeline
        .flushed('archive')
        .map((call) => call.logstore)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(pipeline.flushed('search')).toHaveLength(2);
  });

  it('orderAcrossDestinations: false flushes an interleaved shard in one call per destination, failing only the failed destination’s records onward', async () => {
    const pipeline = pipelineHarness(
      { archive: { flush: (logstore) => (logstore === 'b' ? 'throw' : 'ok') } },
      { orderAcrossDestinations: false },
    );
    const handler = createKinesisHandler(pipeline.options);
    const records = ['a', 'b', 'a', 'b', 'a'].map((logstore, n) =>
      kinesisRecord(data(groupFor(logstore, [{ n: String(n) }]))),
    );
    const seq = records.map((r) => r.kinesis.sequenceNumber);
    const response = await handler(kinesisEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: seq[1] }]);
    expect(
      pipeline
        .of('archive')[0]!
        .calls.map((call) => call.logstore)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(pipeline.storedIds('archive')).toEqual([seq[0], seq[2], seq[4]]);
  });
});
