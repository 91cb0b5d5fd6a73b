import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.ts';
import { decodeLogGroup, decodeLogGroupList } from '../../src/protocol/decodeLogGroup.ts';
import { encodeLogGroup, encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { bytesField, stringField, tag, varint } from '../helpers/protoWriter.ts';

const str = stringField;
const fixed32 = (field: number, value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return [...tag(field, 5), ...b];
};
const pair = (field: number, key: string, value: string) =>
  bytesField(field, [...str(1, key), ...str(2, value)]);
const u8 = (bytes: number[]) => new Uint8Array(bytes);

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('decodeLogGroupList', () => {
  it('skips unknown fields of every wire type at every level', () => {
    const unknown = [
      ...tag(15, 0),
      ...varint(2n ** 63n), // varint (10 bytes)
      ...tag(16, 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // fixed64
      ...bytesField(17, [9, 9, 9]), // length-delimited
      ...tag(18, 5),
      1,
      2,
      3,
      4, // fixed32
      ...tag(19, 3),
      ...tag(1, 0),
      5,
      ...tag(20, 3),
      ...tag(20, 4),
      ...tag(19, 4), // nested groups
    ];
    const content = bytesField(2, [...unknown, ...str(1, 'k'), ...unknown, ...str(2, 'v')]);
    const log = bytesField(1, [...unknown, ...tag(1, 0), ...varint(7), ...content, ...unknown]);
    const tagField = bytesField(6, [...str(1, 'tk'), ...unknown, ...str(2, 'tv')]);
    const group = bytesField(1, [...unknown, ...log, ...tagField, ...str(3, 'topic'), ...unknown]);
    const groups = decodeLogGroupList(u8([...unknown, ...group, ...unknown]));
    expect(groups).toEqual([
      {
        logs: [{ time: 7, timeNs: undefined, contents: [{ key: 'k', value: 'v' }] }],
        topic: 'topic',
        category: undefined,
        source: undefined,
        machineUUID: undefined,
        logTags: [{ key: 'tk', value: 'tv' }],
      },
    ]);
  });

  it('accepts fields in any order and keeps the last value of a repeated singular field', () => {
    const log = bytesField(1, [
      ...fixed32(4, 5),
      ...pair(2, 'a', '1'),
      ...tag(1, 0),
      1,
      ...tag(1, 0),
      2,
      ...fixed32(4, 9),
    ]);
    const group = decodeLogGroup(
      u8([...str(3, 'first'), ...pair(6, 't', 'x'), ...log, ...str(3, 'second'), ...str(4, '')]),
    );
    expect(group.topic).toBe('second');
    expect(group.source).toBeUndefined();
    expect(group.logs[0]).toEqual({ time: 2, timeNs: 9, contents: [{ key: 'a', value: '1' }] });
  });

  it('keeps timeNs presence: absent is undefined, zero is 0', () => {
    const withZero = decodeLogGroup(u8(bytesField(1, [...tag(1, 0), 1, ...fixed32(4, 0)])));
    const without = decodeLogGroup(u8(bytesField(1, [...tag(1, 0), 1])));
    expect(withZero.logs[0]!.timeNs).toBe(0);
    expect(without.logs[0]!.timeNs).toBeUndefined();
  });

  it('reads Time and Time_ns over the whole uint32 range, truncating wider varints like protobuf', () => {
    const max = decodeLogGroup(
      u8(bytesField(1, [...tag(1, 0), ...varint(0xffffffff), ...fixed32(4, 0xffffffff)])),
    );
    expect(max.logs[0]).toMatchObject({ time: 0xffffffff, timeNs: 0xffffffff });
    const wide = decodeLogGroup(u8(bytesField(1, [...tag(1, 0), ...varint(2n ** 32n + 5n)])));
    expect(wide.logs[0]!.time).toBe(5);
  });

  it('never turns the legacy values field into contents', () => {
    const group = decodeLogGroup(
      u8(bytesField(1, [...tag(1, 0), 1, ...str(3, 'legacy'), ...pair(2, 'k', 'v')])),
    );
    expect(group.logs[0]!.contents).toEqual([{ key: 'k', value: 'v' }]);
  });

  it('keeps duplicate keys in order', () => {
    const group = decodeLogGroup(
      u8(bytesField(1, [...tag(1, 0), 1, ...pair(2, 'k', '1'), ...pair(2, 'k', '2')])),
    );
    expect(group.logs[0]!.contents).toEqual([
      { key: 'k', value: '1' },
      { key: 'k', value: '2' },
    ]);
  });

  it('replaces invalid UTF-8 with U+FFFD instead of failing', () => {
    const content = bytesField(2, [...str(1, 'k'), ...bytesField(2, [0x61, 0xff, 0x62, 0xc3])]);
    const group = decodeLogGroup(u8(bytesField(1, [...tag(1, 0), 1, ...content])));
    expect(group.logs[0]!.contents[0]!.value).toBe('a\uFFFDb\uFFFD');
  });

  it.each([
    ['missing Log.Time', bytesField(1, bytesField(1, pair(2, 'k', 'v'))), 'Log.Time'],
    [
      'missing Content.Value',
      bytesField(1, bytesField(1, [...tag(1, 0), 1, ...bytesField(2, str(1, 'k'))])),
      'Log.Content.Value',
    ],
    ['missing LogTag.Key', bytesField(1, bytesField(6, str(2, 'v'))), 'LogTag.Key'],
    ['wrong wire type for Time', bytesField(1, bytesField(1, [...tag(1, 2), 0])), 'Log.Time'],
    ['wrong wire type for Logs', bytesField(1, [...tag(1, 0), 1]), 'LogGroup.Logs'],
    ['wrong wire type for the list', [...tag(1, 0), 1], 'LogGroupList.logGroupList'],
    ['length past the end', [...tag(1, 2), 50, 1, 2], 'LogGroupList.logGroupList'],
    ['truncated varint', [...tag(1, 2), 2, ...tag(1, 2), 0x80], 'LogGroup.Logs'],
    ['over-long varint', [...tag(9, 0), ...Array(10).fill(0x80), 1], 'LogGroupList.#9'],
    ['field number 0', [0x02, 0], 'LogGroupList'],
    ['wire type 7', [0x0f], 'LogGroupList'],
    ['unterminated group', [...tag(9, 3), ...tag(1, 0), 1], 'LogGroupList.#1'],
    ['mismatched end group', [...tag(9, 3), ...tag(8, 4)], 'LogGroupList.#8'],
    ['truncated fixed32', bytesField(1, bytesField(1, [...tag(1, 0), 1, ...tag(4, 5), 1, 2])), 'Log.Time_ns'],
  ])('rejects %s with a DecodeError naming the field and offset', (_name, bytes, field) => {
    const error = decodeError(() => decodeLogGroupList(u8(bytes)));
    expect(error.field).toBe(field);
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(bytes.length);
    expect(error.reason).toBe('malformed');
    expect(error.message).toContain(`at byte ${error.offset}`);
  });

  it('refuses deeply nested groups without exhausting the stack', () => {
    const depth = 100_000;
    const bytes = [...Array(depth).fill(tag(9, 3)).flat(), ...Array(depth).fill(tag(9, 4)).flat()];
    expect(decodeError(() => decodeLogGroupList(u8(bytes))).message).toMatch(/nested too deeply/);
  });

  it('decodes a single LogGroup and a list of them consistently', () => {
    const group = {
      logs: [{ time: 1, timeNs: 2, contents: [{ key: 'a', value: 'b' }] }],
      logTags: [],
      topic: 't',
    };
    expect(decodeLogGroup(encodeLogGroup(group))).toEqual(decodeLogGroupList(encodeLogGroupList([group]))[0]);
  });

  it('decodes from a view into a larger buffer', () => {
    const inner = encodeLogGroupList([{ logs: [{ time: 3, contents: [] }], logTags: [] }]);
    const big = new Uint8Array(inner.length + 20).fill(0xff);
    big.set(inner, 10);
    expect(decodeLogGroupList(big.subarray(10, 10 + inner.length))[0]!.logs[0]!.time).toBe(3);
  });
});
