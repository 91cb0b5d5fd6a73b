import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Flusher, FlusherContext, FlushOptions } from '../../src/flusher/Flusher.ts';
import { createSqsHandler } from '../../src/runtime/handlers.ts';
import { lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { emittedMetrics, groupFor, jsonBody } from '../helpers/handlerHarness.ts';
import { pipelineHarness } from '../helpers/pipelineHarness.ts';

const ids = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier).sort();
const idsOf = (messages: SQSRecord[]) => messages.map((message) => message.messageId).sort();

describe('a pipeline on SQS (standard queue)', () => {
  it('acks a record only when every flusher made it durable; the redelivery writes only to the one that failed', async () => {
    let failing = true;
    const pipeline = pipelineHarness({
      archive: {},
      search: { flush: () => (failing ? 'throw' : 'ok') },
    });
    const handler = createSqsHandler(pipeline.options);
    const messages = [sqsMessage(jsonBody(groupFor('a'))), sqsMessage(jsonBody(groupFor('b')))];

    const first = await handler(sqsEvent(messages), lambdaContext());
    expect(ids(first)).toEqual(idsOf(messages));
    expect(pipeline.storedIds('archive').sort()).toEqual(idsOf(messages));

    failing = false;
    const second = await handler(sqsEvent(messages), lambdaContext());
    expect(second).toEqual({ batchItemFailures: [] });
    // The healthy flusher is not asked again: each record reached it exactly once.
    expect(pipeline.calledIds('archive').sort()).toEqual(idsOf(messages));
    expect(pipeline.storedIds('search').sort()).toEqual(idsOf(messages));
  });

  it('with three flushers, one not ready and one hanging, the healthy one writes everything once and the answer comes before the deadline', async () => {
    let invocation = 0;
    const pipeline = pipelineHarness({
      archive: {},
      search: { ready: () => invocation > 1 },
      metrics: { flush: () => (invocation > 1 ? 'ok' : 'hang') },
    });
    const handler = createSqsHandler(pipeline.options);
    const messages = [1, 2, 3].map((n) => sqsMessage(jsonBody(groupFor(`store-${n}`))));

    invocation = 1;
    const started = Date.now();
    const first = await handler(sqsEvent(messages), lambdaContext(1_000));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ids(first)).toEqual(idsOf(messages));
    expect(pipeline.storedIds('archive').sort()).toEqual(idsOf(messages));
    expect(pipeline.storedIds('search')).toEqual([]);

    invocation = 2;
    expect(await handler(sqsEvent(messages), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(pipeline.calledIds('archive').sort()).toEqual(idsOf(messages));
    expect(pipeline.storedIds('search').sort()).toEqual(idsOf(messages));
    expect(pipeline.storedIds('metrics').sort()).toEqual(idsOf(messages));
    // The hanging flusher was retired at the deadline and replaced; the healthy ones were kept.
    expect(pipeline.of('metrics')).toHaveLength(2);
    expect(pipeline.of('metrics')[0]!.events).toEqual(['init', 'setUrgent(false)', 'stop']);
    expect(pipeline.of('archive')).toHaveLength(2);
  });

  it('stops every flusher at a deadline even when one of them never finishes stopping', async () => {
    const pipeline = pipelineHarness({
      archive: {},
      stuck: { flush: () => 'hang', stop: 'hang' },
    });
    const handler = createSqsHandler(pipeline.options);
    const message = sqsMessage(jsonBody());
    const started = Date.now();
    const response = await handler(sqsEvent([message]), lambdaContext(800));
    expect(Date.now() - started).toBeLessThan(800);
    expect(ids(response)).toEqual([message.messageId]);
    expect(pipeline.of('stuck')[0]!.events).toEqual(['init', 'setUrgent(false)', 'stop']);
    expect(pipeline.of('archive')[0]!.events).toEqual(['init', 'setUrgent(false)', 'stop']);
    expect(pipeline.storedIds('archive')).toEqual([message.messageId]);
  });

  it('routes by match; a LogGroup no flusher takes quarantines its record as unrouted, and the rest still flows', async () => {
    const pipeline = pipelineHarness({
      web: { match: { logstore: ['nginx', 'envoy'] } },
      prod: { match: { tags: { env: 'prod' } } },
    });
    const handler = createSqsHandler(pipeline.options);
    const nginx = sqsMessage(jsonBody(groupFor('nginx')));
    const tagged = groupFor('app');
    const prod = sqsMessage(
      jsonBody({ ...tagged, logTags: [...tagged.logTags, { key: 'env', value: 'prod' }] }),
    );
    const stray = sqsMessage(jsonBody(groupFor('nginx'), groupFor('batch-jobs')));

    const response = await handler(sqsEvent([nginx, prod, stray]), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(pipeline.storedIds('web').sort()).toEqual([nginx.messageId, stray.messageId].sort());
    expect(pipeline.storedIds('prod')).toEqual([prod.messageId]);
    expect(pipeline.quarantine.entries).toMatchObject([
      { reason: 'unrouted', recordId: stray.messageId, detail: expect.stringContaining('/batch-jobs') },
    ]);
  });

  it('retries an unrouted record when its quarantine write fails, although its matched part was stored', async () => {
    const pipeline = pipelineHarness({ web: { match: { logstore: 'nginx' } } });
    pipeline.quarantine.failing = true;
    const handler = createSqsHandler(pipeline.options);
    const stray = sqsMessage(jsonBody(groupFor('nginx'), groupFor('other')));
    expect(ids(await handler(sqsEvent([stray]), lambdaContext()))).toEqual([stray.messageId]);
    expect(pipeline.storedIds('web')).toEqual([stray.messageId]);
  });

  it('retries the records of a flusher whose init fails while the others flush; fails the invocation only when none can start', async () => {
    const pipeline = pipelineHarness({
      archive: {},
      broken: {
        match: { logstore: 'b' },
        init: async () => {
          throw new Error('no credentials');
        },
      },
    });
    const handler = createSqsHandler(pipeline.options);
    const a = sqsMessage(jsonBody(groupFor('a')));
    const b = sqsMessage(jsonBody(groupFor('b')));
    expect(ids(await handler(sqsEvent([a, b]), lambdaContext()))).toEqual([b.messageId]);
    expect(pipeline.storedIds('archive').sort()).toEqual([a.messageId, b.messageId].sort());

    const none = pipelineHarness({
      one: { init: () => Promise.reject(new Error('bad one')) },
      two: { init: () => Promise.reject(new Error('bad two')) },
    });
    await expect(createSqsHandler(none.options)(sqsEvent([a]), lambdaContext())).rejects.toThrow(
      /bad one|bad two/,
    );
  });

  it('publishes each flusher’s metrics with its name as the flusher dimension', async () => {
    const pipeline = pipelineHarness({ archive: {}, search: { ready: () => false } });
    const handler = createSqsHandler(pipeline.options);
    const emitted = await emittedMetrics(() => handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext()));
    const blobOf = (name: string) => emitted.find((blob) => blob.flusher === name);
    expect(blobOf('archive')).toMatchObject({ FlushLatency: expect.any(Number) });
    expect(blobOf('search')).toMatchObject({ NotReady: 1 });
    expect(blobOf('archive')).not.toHaveProperty('NotReady');
    expect(emitted.find((blob) => 'RecordsReceived' in blob)).toMatchObject({ RecordsRetried: 1 });
  });

  it('puts the refusing flusher’s name on the quarantine entries of what its destination refused', async () => {
    /** Refuses every LogGroup for good, as CloudWatch Logs refuses a too-old event. */
    class RefusingFlusher implements Flusher {
      #context: FlusherContext | undefined;
      async init(context: FlusherContext) {
        this.#context = context;
      }
      description() {
        return 'refusing';
      }
      isReady() {
        return true;
      }
      async flush(_p: string, _l: string, _c: string, groups: readonly unknown[], options?: FlushOptions) {
        for (const recordId of options?.recordIds ?? []) {
          await this.#context!.quarantine!.put({
            reason: 'rejected-by-destination',
            detail: `refused ${groups.length} group(s)`,
            source: 'test-destination',
            recordId,
            payload: new Uint8Array([1]),
          });
        }
      }
      setUrgent() {}
      async stop() {}
    }
    const pipeline = pipelineHarness({ archive: {} });
    const handler = createSqsHandler({
      ...pipeline.options,
      flushers: [...pipeline.options.flushers!, { name: 'search', flusher: () => new RefusingFlusher() }],
    });
    const message = sqsMessage(jsonBody());
    expect(await handler(sqsEvent([message]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(pipeline.quarantine.entries).toMatchObject([
      { reason: 'rejected-by-destination', recordId: message.messageId, flusher: 'search' },
    ]);
  });
});
