import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../../src/errors.ts';
import { decodeLogGroupList } from '../../src/protocol/decodeLogGroup.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { decodeLogGroupListJson } from '../../src/protocol/logGroupJson.ts';
import { logLineFormatter, pairsToJson } from '../../src/protocol/logLine.ts';

const group = (patch: Partial<LogGroup> = {}): LogGroup => ({
  logs: [{ time: 1, contents: [] }],
  logTags: [],
  ...patch,
});

describe('encodeLogGroupList', () => {
  it.each([
    ['a negative time', { time: -1, contents: [] }, 'Log.Time'],
    ['a time above uint32', { time: 2 ** 32, contents: [] }, 'Log.Time'],
    ['a fractional timeNs', { time: 1, timeNs: 1.5, contents: [] }, 'Log.Time_ns'],
    [
      'a non-string value',
      { time: 1, contents: [{ key: 'k', value: 5 as unknown as string }] },
      'Log.Content.Value',
    ],
  ])('refuses %s with an EncodeError naming the field', (_name, log, field) => {
    expect(() => encodeLogGroupList([group({ logs: [log] })])).toThrow(EncodeError);
    expect(() => encodeLogGroupList([group({ logs: [log] })])).toThrow(field);
  });

  it('writes nothing for empty meta strings, so they decode as absent', () => {
    const bytes = encodeLogGroupList([group({ topic: '', source: '' })]);
    expect(bytes).toEqual(encodeLogGroupList([group()]));
    expect(decodeLogGroupList(bytes)[0]!.topic).toBeUndefined();
  });

  it('encodes multi-byte lengths (strings over 127 and 16383 bytes) correctly', () => {
    const value = 'é'.repeat(10_000);
    const decoded = decodeLogGroupList(
      encodeLogGroupList([group({ logs: [{ time: 1, contents: [{ key: 'k', value }] }] })]),
    );
    expect(decoded[0]!.logs[0]!.contents[0]!.value).toBe(value);
  });
});

describe('decodeLogGroupListJson', () => {
  it.each([
    ['not JSON', '{', '$'],
    ['no groups', '{}', 'groups'],
    ['a string time', '{"groups":[{"logs":[{"time":"1","contents":[]}]}]}', 'groups[0].logs[0].time'],
    [
      'a negative timeNs',
      '{"groups":[{"logs":[{"time":1,"timeNs":-1,"contents":[]}]}]}',
      'groups[0].logs[0].timeNs',
    ],
    [
      'a numeric content value',
      '{"groups":[{"logs":[{"time":1,"contents":[{"key":"a","value":1}]}]}]}',
      'groups[0].logs[0].contents[0].value',
    ],
    ['a tag that is not an object', '{"groups":[{"logTags":[5]}]}', 'groups[0].logTags[0]'],
  ])('refuses %s with a DecodeError naming the path', (_name, text, field) => {
    try {
      decodeLogGroupListJson(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).field).toBe(field);
    }
  });

  it('fills omitted optional parts with their defaults', () => {
    expect(decodeLogGroupListJson('{"groups":[{"logs":[{"time":5}]}]}')).toEqual([
      {
        logs: [{ time: 5, timeNs: undefined, contents: [] }],
        category: undefined,
        topic: undefined,
        source: undefined,
        machineUUID: undefined,
        logTags: [],
      },
    ]);
  });
});

describe('log line shape', () => {
  it('omits empty meta fields and timeNs when absent, last duplicate wins', () => {
    const format = logLineFormatter(
      group({
        topic: 't',
        logTags: [
          { key: 'h', value: '1' },
          { key: 'h', value: '2' },
        ],
      }),
      'p',
      '',
    );
    const line = format({
      time: 9,
      contents: [
        { key: 'a', value: 'x' },
        { key: 'a', value: 'y' },
      ],
    });
    expect(line).toBe('{"time":9,"project":"p","topic":"t","tags":{"h":"2"},"contents":{"a":"y"}}');
  });

  it('treats a "__proto__" key as data', () => {
    expect(JSON.parse(pairsToJson([{ key: '__proto__', value: 'x' }]))).toEqual(
      JSON.parse('{"__proto__":"x"}'),
    );
  });

  it('escapes control characters and quotes so every line is one valid JSON document', () => {
    const format = logLineFormatter(group(), 'p', 's');
    const line = format({ time: 1, contents: [{ key: 'm"\n', value: '\u0000\u2028"' }] });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line).contents).toEqual({ 'm"\n': '\u0000\u2028"' });
  });
});
