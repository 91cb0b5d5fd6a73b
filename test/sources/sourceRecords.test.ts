import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../src/errors.ts';
import { kinesisRecords } from '../../src/sources/kinesisSource.ts';
import { sqsRecords } from '../../src/sources/sqsSource.ts';
import { kinesisEvent, kinesisRecord, sqsEvent, sqsMessage } from '../helpers/events.ts';

describe('kinesisRecords', () => {
  it('keeps event order, ids, indexes and one order key per shard', () => {
    const event = kinesisEvent([
      kinesisRecord(Buffer.from('a'), { sequenceNumber: '1', shard: 'shardId-1' }),
      kinesisRecord(Buffer.from('b'), { sequenceNumber: '2', shard: 'shardId-1' }),
      kinesisRecord(Buffer.from('c'), { sequenceNumber: '3', shard: 'shardId-2' }),
    ]);
    const records = kinesisRecords(event);
    expect(records.map(({ id, index, orderKey }) => ({ id, index, orderKey }))).toEqual([
      { id: '1', index: 0, orderKey: 'shard:shardId-1' },
      { id: '2', index: 1, orderKey: 'shard:shardId-1' },
      { id: '3', index: 2, orderKey: 'shard:shardId-2' },
    ]);
    expect(records.map((record) => Buffer.from(record.payloads()[0]!).toString())).toEqual(['a', 'b', 'c']);
  });

  it('refuses a null or incomplete entry with a typed error naming its index', () => {
    const good = kinesisRecord(Buffer.from('a'));
    const withNull = { Records: [good, null] } as unknown as KinesisStreamEvent;
    expect(() => kinesisRecords(withNull)).toThrow(InvalidEventError);
    expect(() => kinesisRecords(withNull)).toThrow('Kinesis record 1 has no sequenceNumber');
    const withoutKinesis = { Records: [{ eventID: 'shardId-1:1' }] } as unknown as KinesisStreamEvent;
    expect(() => kinesisRecords(withoutKinesis)).toThrow('Kinesis record 0 has no sequenceNumber');
    expect(() => kinesisRecords({} as KinesisStreamEvent)).toThrow(InvalidEventError);
    // An SQS event at the Kinesis function (or the CLI's --source kinesis) says so.
    expect(() => kinesisRecords(sqsEvent([sqsMessage('a')]) as unknown as KinesisStreamEvent)).toThrow(
      'Kinesis record 0 has no sequenceNumber (it looks like an SQS message)',
    );
  });

  it('answers an empty batch with no records', () => {
    expect(kinesisRecords(kinesisEvent([]))).toEqual([]);
  });
});

describe('sqsRecords', () => {
  it('keeps event order, ids, FIFO order keys and routing attributes', () => {
    const records = sqsRecords(
      sqsEvent([
        sqsMessage('a', { messageId: 'm1', groupId: 'g1' }),
        sqsMessage('b', { messageId: 'm2', attributes: { logstore: 'nginx' } }),
      ]),
    );
    expect(records.map(({ id, index, orderKey, routing }) => ({ id, index, orderKey, routing }))).toEqual([
      { id: 'm1', index: 0, orderKey: 'fifo:g1', routing: {} },
      { id: 'm2', index: 1, orderKey: undefined, routing: { logstore: 'nginx' } },
    ]);
    expect(records.map((record) => Buffer.from(record.payloads()[0]!).toString())).toEqual(['a', 'b']);
  });

  it('refuses a null entry or one without a messageId with a typed error naming its index', () => {
    const withNull = { Records: [sqsMessage('a'), null] } as unknown as SQSEvent;
    expect(() => sqsRecords(withNull)).toThrow(InvalidEventError);
    expect(() => sqsRecords(withNull)).toThrow('SQS record 1 has no messageId');
    const withoutId = sqsEvent([{ ...sqsMessage('a'), messageId: '' }]);
    expect(() => sqsRecords(withoutId)).toThrow('SQS record 0 has no messageId');
    expect(() => sqsRecords({} as SQSEvent)).toThrow(InvalidEventError);
    expect(() => sqsRecords(kinesisEvent([kinesisRecord(Buffer.from('a'))]) as unknown as SQSEvent)).toThrow(
      'SQS record 0 has no messageId (it looks like a Kinesis record)',
    );
  });
});
