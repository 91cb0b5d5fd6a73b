import { describe, expect, it } from 'vitest';
import { ChecksumError, DecodeError } from '../../src/errors.ts';
import { decodePayload } from '../../src/input/decodePayload.ts';
import { deaggregateKpl, isKplAggregate, KPL_MAGIC } from '../../src/input/kpl.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { aggregateKpl, frameKpl } from '../helpers/kplAggregator.ts';
import { aLogGroup } from '../helpers/logGroups.ts';
import { bytesField, stringField, tag, varint, varintField } from '../helpers/protoWriter.ts';
import { AUTO, gzip, utf8 } from './helpers/payloads.ts';

function decodeError(bytes: Uint8Array): DecodeError {
  try {
    deaggregateKpl(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

const record = (...fields: number[][]): number[] => bytesField(3, fields.flat());

describe('KPL aggregated records', () => {
  it('recognises the magic number only', () => {
    expect(isKplAggregate(aggregateKpl([]))).toBe(true);
    expect(isKplAggregate(KPL_MAGIC)).toBe(true);
    expect(isKplAggregate(new Uint8Array([0xf3, 0x89, 0x9a]))).toBe(false);
    expect(isKplAggregate(encodeLogGroupList([aLogGroup()]))).toBe(false);
  });

  it('returns every user record in order, each then decodable on its own', () => {
    const first = encodeLogGroupList([aLogGroup([{ n: '1' }])]);
    const second = gzip(encodeLogGroupList([aLogGroup([{ n: '2' }])]));
    const third = utf8('{"time":1700000000,"n":"3"}');
    const aggregate = aggregateKpl([
      { data: first, partitionKey: 'a' },
      {
        data: second,
        partitionKey: 'b',
        explicitHashKey: '123',
        tags: [{ key: 'k', value: 'v' }, { key: 'only' }],
      },
      { data: third, partitionKey: 'a' },
      { data: new Uint8Array(), partitionKey: 'c' },
    ]);
    const records = deaggregateKpl(aggregate);
    expect(records.map((data) => Buffer.from(data))).toEqual(
      [first, second, third, Buffer.alloc(0)].map(Buffer.from),
    );
    expect(
      records.slice(0, 3).map((data) => decodePayload(data, AUTO).groups[0]!.logs[0]!.contents[0]!.value),
    ).toEqual(['1', '2', '3']);
  });

  it('returns nothing for an aggregate without records', () => {
    expect(deaggregateKpl(aggregateKpl([]))).toEqual([]);
  });

  it('skips unknown fields at every level', () => {
    const body = [
      ...stringField(1, 'pk'),
      ...varintField(9, 7),
      ...record(
        varintField(1, 0),
        stringField(8, 'x'),
        bytesField(3, [1, 2]),
        bytesField(4, [...stringField(1, 'k'), ...varintField(5, 1)]),
      ),
    ];
    expect(deaggregateKpl(frameKpl(body)).map((data) => [...data])).toEqual([[1, 2]]);
  });

  it('refuses a bad MD5 trailer with ChecksumError', () => {
    const aggregate = Buffer.from(aggregateKpl([{ data: utf8('x') }]));
    aggregate[aggregate.length - 1]! ^= 1;
    expect(() => deaggregateKpl(aggregate)).toThrow(ChecksumError);
    const body = Buffer.from(aggregateKpl([{ data: utf8('x') }]));
    body[6]! ^= 1;
    expect(() => deaggregateKpl(body)).toThrow(ChecksumError);
  });

  it('refuses a record too short for its trailer', () => {
    expect(decodeError(new Uint8Array([...KPL_MAGIC, 1, 2, 3])).message).toContain('MD5 trailer');
    expect(decodeError(new Uint8Array([1, 2, 3, 4])).message).toContain('magic');
  });

  it.each([
    [
      'a record without data',
      [...stringField(1, 'pk'), ...record(varintField(1, 0))],
      'Record.data',
      4 + 4 + 2,
    ],
    ['a record without partition key index', record(bytesField(3, [1])), 'Record.partition_key_index', 6],
    [
      'a partition key index outside the table',
      [...stringField(1, 'pk'), ...record(varintField(1, 1), bytesField(3, [1]))],
      'AggregatedRecord.records[0].partition_key_index',
      4 + 4 + 2 + 1,
    ],
    [
      'an explicit hash key index outside the table',
      [...stringField(1, 'pk'), ...record(varintField(1, 0), varintField(2, 0), bytesField(3, [1]))],
      'AggregatedRecord.records[0].explicit_hash_key_index',
      undefined,
    ],
    [
      'an index beyond 32 bits (not wrapped onto a valid entry)',
      [...stringField(1, 'pk'), ...record(varintField(1, 2n ** 32n), bytesField(3, [1]))],
      'Record.partition_key_index',
      4 + 4 + 2 + 1,
    ],
    ['a known field with the wrong wire type', [...tag(3, 0), ...varint(1)], 'AggregatedRecord.records', 5],
    [
      'a tag without key',
      [
        ...stringField(1, 'pk'),
        ...record(varintField(1, 0), bytesField(3, [1]), bytesField(4, stringField(2, 'v'))),
      ],
      'Tag.key',
      17,
    ],
    ['a length running past the message', [...tag(3, 2), ...varint(50), 1, 2], 'AggregatedRecord.records', 5],
  ])('refuses %s with a DecodeError naming the field and offset', (_name, body, field, offset) => {
    const error = decodeError(frameKpl(body));
    expect(error.field).toBe(field);
    expect(error.offset).toBe(offset);
  });
});
