import { describe, expect, it, vi } from 'vitest';
import { InvalidEventError } from '../../src/errors.ts';
import { createSqsHandler } from '../../src/runtime/handlers.ts';
import { lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { emittedMetrics, groupFor, harness, jsonBody, protobufBody } from '../helpers/handlerHarness.ts';
import { aLogGroup } from '../helpers/logGroups.ts';
import type { ScriptedFlusher } from '../helpers/ScriptedFlusher.ts';

describe('SQS standard handler', () => {
  it('flushes records of one destination in one call, recordIds aligned with groups, and acks them all', async () => {
    const { options, flushers } = harness();
    const handler = createSqsHandler(options);
    const m1 = sqsMessage(jsonBody(aLogGroup([{ a: '1' }]), aLogGroup([{ a: '2' }])));
    const m2 = sqsMessage(protobufBody(aLogGroup([{ a: '3' }])));
    const response = await handler(sqsEvent([m1, m2]), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    const [call] = flushers[0]!.flushed;
    expect(flushers[0]!.calls).toHaveLength(1);
    expect(call).toMatchObject({
      project: 'default-project',
      logstore: 'default-logstore',
      configName: 'default-config',
    });
    expect(call!.groups.map((g) => g.logs[0]!.contents[0]!.value)).toEqual(['1', '2', '3']);
    expect(call!.options?.recordIds).toEqual([m1.messageId, m1.messageId, m2.messageId]);
  });

  it('routes by message attributes, overridden by LogGroup tags', async () => {
    const { options, flushers } = harness();
    const handler = createSqsHandler(options);
    const byAttribute = sqsMessage(jsonBody(aLogGroup()), {
      attributes: { project: 'p2', logstore: 'from-attr' },
    });
    const byTag = sqsMessage(jsonBody(groupFor('from-tag')), { attributes: { logstore: 'from-attr' } });
    await handler(sqsEvent([byAttribute, byTag]), lambdaContext());
    const targets = flushers[0]!.flushed.map((c) => `${c.project}/${c.logstore}`).sort();
    expect(targets).toEqual(['default-project/from-tag', 'p2/from-attr']);
  });

  it('hands back the records of a not-ready destination without flushing them', async () => {
    const { options, flushers } = harness({ ready: (logstore) => logstore !== 'busy' });
    const handler = createSqsHandler(options);
    const busy = sqsMessage(jsonBody(groupFor('busy')));
    const fine = sqsMessage(jsonBody(groupFor('fine')));
    const response = await handler(sqsEvent([busy, fine]), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: busy.messageId }]);
    expect(flushers[0]!.calls.map((c) => c.logstore)).toEqual(['fine']);
  });

  it('reports the records of a rejected flush, and a record whose data spans a failed destination', async () => {
    const { options } = harness({ flush: (logstore) => (logstore === 'broken' ? 'throw' : 'ok') });
    const handler = createSqsHandler(options);
    const broken = sqsMessage(jsonBody(groupFor('broken')));
    const spanning = sqsMessage(jsonBody(groupFor('fine'), groupFor('broken')));
    const fine = sqsMessage(jsonBody(groupFor('fine')));
    const response = await handler(sqsEvent([broken, spanning, fine]), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [broken.messageId, spanning.messageId].sort(),
    );
  });

  it('quarantines poison records with reason, id and raw payload, and acks them', async () => {
    const { options, quarantine, flushers } = harness();
    const handler = createSqsHandler(options);
    const poison = sqsMessage('{"groups": "not an array"}');
    const fine = sqsMessage(jsonBody());
    const response = await handler(sqsEvent([poison, fine]), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries).toHaveLength(1);
    expect(quarantine.entries[0]).toMatchObject({
      reason: 'malformed',
      source: 'sqs',
      recordId: poison.messageId,
    });
    expect(Buffer.from(quarantine.entries[0]!.payload).toString()).toBe(poison.body);
    expect(flushers[0]!.flushed).toHaveLength(1);
  });

  it('retries a poison record when the quarantine write fails', async () => {
    const { options, quarantine } = harness();
    quarantine.failing = true;
    const handler = createSqsHandler(options);
    const poison = sqsMessage('\u0000garbage');
    const response = await handler(sqsEvent([poison, sqsMessage(jsonBody())]), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
  });

  it('answers, retrying their records, when isReady throws or flush rejects with undefined', async () => {
    const { options, flushers } = harness({
      ready: (logstore) => {
        if (logstore === 'odd') throw new Error('isReady bug');
        return true;
      },
      flush: (logstore) => (logstore === 'nothing' ? 'reject-undefined' : 'ok'),
    });
    const handler = createSqsHandler(options);
    const odd = sqsMessage(jsonBody(groupFor('odd')));
    const nothing = sqsMessage(jsonBody(groupFor('nothing')));
    const fine = sqsMessage(jsonBody(groupFor('fine')));
    const response = await handler(sqsEvent([odd, nothing, fine]), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [odd.messageId, nothing.messageId].sort(),
    );
    expect(flushers[0]!.flushed.map((c) => c.logstore)).toEqual(['fine']);
  });

  it('returns every record as a failure when all fail, without throwing', async () => {
    const { options } = harness({ flush: () => 'throw' });
    const handler = createSqsHandler(options);
    const messages = [sqsMessage(jsonBody()), sqsMessage(jsonBody()), sqsMessage(jsonBody())];
    const response = await handler(sqsEvent(messages), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messages.map((m) => m.messageId));
  });

  it('answers an empty batch with no failures, and acks a record that holds no LogGroups', async () => {
    const { options } = harness();
    const handler = createSqsHandler(options);
    expect(await handler(sqsEvent([]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent([sqsMessage('{"groups":[]}')]), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
  });

  it('fails the invocation on an event that is not an SQS event, rather than naming unknown ids', async () => {
    const { options } = harness();
    const handler = createSqsHandler(options);
    const message = sqsMessage(jsonBody());
    await expect(handler(sqsEvent([{ ...message, messageId: '' }]), lambdaContext())).rejects.toBeInstanceOf(
      InvalidEventError,
    );
  });

  it('creates and inits the flusher once, reusing it across warm invocations', async () => {
    const { options, flushers } = harness();
    const handler = createSqsHandler(options);
    await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext());
    await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext());
    expect(flushers).toHaveLength(1);
    expect(flushers[0]!.events).toEqual(['init']);
    expect(flushers[0]!.flushed).toHaveLength(2);
  });

  it('fails the invocation when the flusher cannot init, and tries init again next time', async () => {
    let attempts = 0;
    const { options } = harness({
      init: async () => {
        if (++attempts === 1) throw new Error('bad configuration');
      },
    });
    const handler = createSqsHandler(options);
    await expect(handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext())).rejects.toThrow(
      'bad configuration',
    );
    expect(await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
  });

  it('tries again next time when the flusher factory throws at once', async () => {
    const { options: base } = harness();
    let attempts = 0;
    const factory = base.flusher as () => ScriptedFlusher;
    const handler = createSqsHandler({
      ...base,
      flusher: () => {
        if (++attempts === 1) throw new Error('factory bug');
        return factory();
      },
    });
    await expect(handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext())).rejects.toThrow('factory bug');
    expect(await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
  });

  it('gives the next invocation a fresh flusher when init hangs past a deadline, and never stops it', async () => {
    let releaseFirstInit!: () => void;
    let inits = 0;
    const { options, flushers } = harness({
      init: () =>
        ++inits === 1 ? new Promise<void>((resolve) => (releaseFirstInit = resolve)) : Promise.resolve(),
    });
    const handler = createSqsHandler(options);
    const stuck = sqsMessage(jsonBody());
    expect(await handler(sqsEvent([stuck]), lambdaContext(400))).toEqual({
      batchItemFailures: [{ itemIdentifier: stuck.messageId }],
    });
    expect(await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    releaseFirstInit(); // the first flusher finally starts: it is stopped, the second one is not
    await vi.waitFor(() => expect(flushers[0]!.events).toContain('stop'));
    expect(await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(flushers).toHaveLength(2);
    expect(flushers[1]!.events).toEqual(['init']);
    expect(flushers[1]!.flushed).toHaveLength(2);
  });

  it('publishes counts as EMF metrics', async () => {
    const { options } = harness({ ready: (logstore) => logstore !== 'busy' });
    const handler = createSqsHandler(options);
    const event = sqsEvent([
      sqsMessage(jsonBody(groupFor('busy'))),
      sqsMessage(jsonBody()),
      sqsMessage('nope'),
    ]);
    const emitted = await emittedMetrics(() => handler(event, lambdaContext()));
    const blob = emitted.find((e) => 'RecordsReceived' in e)!;
    expect(blob).toMatchObject({
      RecordsReceived: 3,
      RecordsAcked: 2,
      RecordsRetried: 1,
      RecordsQuarantined: 1,
      NotReady: 1,
    });
  });
});

describe('SQS FIFO handler', () => {
  it('fails every later message of a group after its first failure, without flushing them; other groups go on', async () => {
    const { options, flushers } = harness({ ready: (logstore) => logstore !== 'busy' });
    const handler = createSqsHandler(options);
    const a1 = sqsMessage(jsonBody(groupFor('a')), { groupId: 'A' });
    const a2 = sqsMessage(jsonBody(groupFor('busy')), { groupId: 'A' });
    const a3 = sqsMessage(jsonBody(groupFor('a', [{ msg: 'a3' }])), { groupId: 'A' });
    const b1 = sqsMessage(jsonBody(groupFor('b')), { groupId: 'B' });
    const response = await handler(sqsEvent([a1, a2, a3, b1]), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([a2.messageId, a3.messageId]);
    const flushedIds = flushers[0]!.flushed.flatMap((c) => c.options?.recordIds ?? []);
    expect(flushedIds.sort()).toEqual([a1.messageId, b1.messageId].sort());
  });

  it('treats a failed quarantine write as the first failure of its group', async () => {
    const { options, quarantine, flushers } = harness();
    quarantine.failing = true;
    const handler = createSqsHandler(options);
    const a1 = sqsMessage('garbage', { groupId: 'A' });
    const a2 = sqsMessage(jsonBody(), { groupId: 'A' });
    const response = await handler(sqsEvent([a1, a2]), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([a1.messageId, a2.messageId]);
    expect(flushers.flatMap((f) => f.calls)).toHaveLength(0);
  });
});
