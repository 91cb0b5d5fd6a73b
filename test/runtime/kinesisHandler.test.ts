import { describe, expect, it } from 'vitest';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { createKinesisHandler } from '../../src/runtime/handlers.ts';
import { kinesisEvent, kinesisRecord, lambdaContext } from '../helpers/events.ts';
import { groupFor, harness } from '../helpers/handlerHarness.ts';
import { kplAggregate } from '../helpers/kpl.ts';

const data = (...groups: LogGroup[]) => encodeLogGroupList(groups);

describe('Kinesis handler', () => {
  it('acks a fully durable batch with an empty failure list', async () => {
    const { options, flushers } = harness();
    const handler = createKinesisHandler(options);
    const response = await handler(
      kinesisEvent([kinesisRecord(data(groupFor('a'))), kinesisRecord(data(groupFor('b')))]),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(flushers[0]!.flushed.map((c) => c.logstore).sort()).toEqual(['a', 'b']);
  });

  it('reports the first record not durable and does not flush the records after it', async () => {
    const { options, flushers } = harness({ ready: (logstore) => logstore !== 'busy' });
    const handler = createKinesisHandler(options);
    const records = [
      kinesisRecord(data(groupFor('a', [{ n: '1' }]))),
      kinesisRecord(data(groupFor('busy'))),
      kinesisRecord(data(groupFor('a', [{ n: '3' }]))),
      kinesisRecord(data(groupFor('c'))),
    ];
    const response = await handler(kinesisEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.kinesis.sequenceNumber }]);
    const flushedIds = flushers[0]!.flushed.flatMap((c) => c.options?.recordIds ?? []);
    expect(flushedIds).toEqual([records[0]!.kinesis.sequenceNumber]);
  });

  it('reports the earliest record of a failed flush', async () => {
    const { options } = harness({ flush: (logstore) => (logstore === 'broken' ? 'throw' : 'ok') });
    const handler = createKinesisHandler(options);
    const records = [
      kinesisRecord(data(groupFor('a'))),
      kinesisRecord(data(groupFor('broken'))),
      kinesisRecord(data(groupFor('broken'))),
    ];
    const response = await handler(kinesisEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.kinesis.sequenceNumber }]);
  });

  it('quarantines a poison record and keeps the shard moving', async () => {
    const { options, quarantine, flushers } = harness();
    const handler = createKinesisHandler(options);
    const records = [
      kinesisRecord(Buffer.from('not a log group \u0001\u0002')),
      kinesisRecord(data(groupFor('a'))),
    ];
    const response = await handler(kinesisEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries.map((e) => e.recordId)).toEqual([records[0]!.kinesis.sequenceNumber]);
    expect(quarantine.entries[0]!.source).toBe('kinesis');
    expect(flushers[0]!.flushed).toHaveLength(1);
  });

  it('de-aggregates KPL records, flushing every user record under the Kinesis record id', async () => {
    const { options, flushers } = harness();
    const handler = createKinesisHandler(options);
    const aggregate = kplAggregate([data(groupFor('a', [{ n: '1' }])), data(groupFor('a', [{ n: '2' }]))]);
    const record = kinesisRecord(aggregate);
    expect(await handler(kinesisEvent([record]), lambdaContext())).toEqual({ batchItemFailures: [] });
    const [call] = flushers[0]!.flushed;
    expect(call!.groups.map((g) => g.logs[0]!.contents[0]!.value)).toEqual(['1', '2']);
    expect(call!.options?.recordIds).toEqual([record.kinesis.sequenceNumber, record.kinesis.sequenceNumber]);
  });

  it('quarantines a whole KPL record whose checksum fails, with reason checksum', async () => {
    const { options, quarantine, flushers } = harness();
    const handler = createKinesisHandler(options);
    const aggregate = kplAggregate([data(groupFor('a'))]);
    aggregate[aggregate.length - 1]! ^= 0xff;
    const response = await handler(kinesisEvent([kinesisRecord(aggregate)]), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries.map((e) => e.reason)).toEqual(['checksum']);
    expect(flushers[0]?.calls ?? []).toHaveLength(0);
  });
});
