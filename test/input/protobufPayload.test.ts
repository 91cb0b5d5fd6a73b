import { describe, expect, it } from 'vitest';
import { DecodeError, UnsupportedFormatError } from '../../src/errors.ts';
import { decodePayload } from '../../src/input/decodePayload.ts';
import { decodeProtobufPayload, hasListShape } from '../../src/input/protobufPayload.ts';
import { encodeLogGroup, encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { aLogGroup } from '../helpers/logGroups.ts';
import { bytesField, stringField, varintField } from '../helpers/protoWriter.ts';
import { AUTO } from './helpers/payloads.ts';

const empty = (overrides: Partial<LogGroup> = {}): LogGroup => ({
  logs: [],
  category: undefined,
  topic: undefined,
  source: undefined,
  machineUUID: undefined,
  logTags: [],
  ...overrides,
});

describe('LogGroupList or single LogGroup', () => {
  it('reads a list when every top-level field is field 1 and every entry is a LogGroup', () => {
    const groups = [aLogGroup(), empty(), aLogGroup([{ a: 'b' }], { logTags: [] })];
    const bytes = encodeLogGroupList(groups);
    expect(hasListShape(bytes)).toBe(true);
    expect(decodeProtobufPayload(bytes)).toEqual({ groups, shape: 'protobuf' });
  });

  it('reads a LogGroup holding only logs as a single group (its field 1 entries are Logs, not LogGroups)', () => {
    const group = aLogGroup([{ a: '1' }, { b: '2' }], { topic: undefined, source: undefined, logTags: [] });
    const bytes = encodeLogGroup(group);
    expect(hasListShape(bytes)).toBe(true); // same top-level shape as a list...
    expect(decodeProtobufPayload(bytes)).toEqual({ groups: [group], shape: 'protobuf-loggroup' }); // ...but not a list
  });

  it('reads a LogGroup with meta or tags only as a single group', () => {
    const tagsOnly = empty({ logTags: [{ key: 'k', value: 'v' }] });
    expect(decodeProtobufPayload(encodeLogGroup(tagsOnly))).toEqual({
      groups: [tagsOnly],
      shape: 'protobuf-loggroup',
    });
    // The Go marshaller writes empty meta strings: still a (empty) LogGroup, not garbage.
    const goEmpty = new Uint8Array([...stringField(2, ''), ...stringField(3, ''), ...stringField(4, '')]);
    expect(decodeProtobufPayload(goEmpty)).toEqual({ groups: [empty()], shape: 'protobuf-loggroup' });
  });

  it('refuses bytes that parse only as unknown fields', () => {
    const unknownOnly = new Uint8Array([...varintField(13, 5), ...stringField(9, 'x')]);
    expect(() => decodeProtobufPayload(unknownOnly)).toThrow(DecodeError);
    expect(() => decodePayload(unknownOnly, AUTO)).toThrow(UnsupportedFormatError);
  });

  it('reports the reading that got further when both fail', () => {
    const group = encodeLogGroup(aLogGroup());
    // A list whose second entry is a truncated LogGroup: the list reading fails deep inside it.
    const broken = new Uint8Array([
      ...bytesField(1, group),
      ...bytesField(1, group.subarray(0, group.length - 4)),
    ]);
    let error: unknown;
    try {
      decodeProtobufPayload(broken);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).offset).toBeGreaterThan(group.length);
  });
});
