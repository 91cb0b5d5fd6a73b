import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.ts';
import { decodePayload } from '../../src/input/decodePayload.ts';
import type { Log, LogGroup } from '../../src/protocol/LogGroup.ts';
import { aLogGroup } from '../helpers/logGroups.ts';
import { AUTO, customSingleLine, flattenLine, utf8 } from './helpers/payloads.ts';

const decode = (text: string): LogGroup[] => decodePayload(utf8(text), AUTO).groups;
const log = (time: number, contents: Record<string, string>, timeNs?: number): Log => ({
  time,
  timeNs,
  contents: Object.entries(contents).map(([key, value]) => ({ key, value })),
});
const group = (logs: Log[], overrides: Partial<LogGroup> = {}): LogGroup => ({
  logs,
  category: undefined,
  topic: undefined,
  source: undefined,
  machineUUID: undefined,
  logTags: [],
  ...overrides,
});

function decodeError(text: string): DecodeError {
  try {
    decode(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('custom_single', () => {
  const original = aLogGroup(
    [
      { method: 'GET', status: '200' },
      { method: 'PUT', status: '404' },
    ],
    { logTags: [{ key: 'host.name', value: 'web-1' }] },
  );

  it('restores topic (log.topic), source (host.ip), tags, contents and nanosecond time', () => {
    const text = original.logs
      .map((entry) => customSingleLine(original, entry, { nanoseconds: true }))
      .join('\n');
    expect(decode(text)).toEqual([original]);
  });

  it('reads seconds, nanoseconds (exact to the digit), digit strings and fractional seconds', () => {
    expect(decode('{"time":1700000000,"contents":{},"tags":{}}')[0]!.logs[0]).toEqual(log(1_700_000_000, {}));
    expect(decode('{"time":1700000000999999999,"contents":{}}')[0]!.logs[0]).toEqual(
      log(1_700_000_000, {}, 999_999_999),
    );
    expect(decode('{"time":"1700000000","contents":{}}')[0]!.logs[0]!.time).toBe(1_700_000_000);
    expect(decode('{"time":1700000000.25,"contents":{}}')[0]!.logs[0]).toEqual(
      log(1_700_000_000, {}, 250_000_000),
    );
  });

  it('accepts older converter tag names and null maps', () => {
    expect(
      decode('{"time":1,"contents":null,"tags":{"host_ip":"10.0.0.9","log_topic":"t","k":"v"}}'),
    ).toEqual([group([log(1, {})], { topic: 't', source: '10.0.0.9', logTags: [{ key: 'k', value: 'v' }] })]);
    expect(decode('{"time":1,"contents":{"a":"b"},"tags":null}')).toEqual([group([log(1, { a: 'b' })])]);
  });

  it('writes non-string values as JSON text, big integers with every digit', () => {
    const [decoded] = decode(
      '{"time":1,"contents":{"n":12,"f":0.5,"b":true,"z":null,"o":{"x":[1,"2"]},"big":123456789012345678901}}',
    );
    expect(decoded!.logs[0]!.contents).toEqual([
      { key: 'n', value: '12' },
      { key: 'f', value: '0.5' },
      { key: 'b', value: 'true' },
      { key: 'z', value: 'null' },
      { key: 'o', value: '{"x":[1,"2"]}' },
      { key: 'big', value: '123456789012345678901' },
    ]);
  });
});

describe('custom_single_flatten and the SLS flat form', () => {
  it('reads converter flatten output: tags become contents except host.ip / log.topic', () => {
    const original = aLogGroup([{ method: 'GET' }], { logTags: [{ key: 'host.name', value: 'web-1' }] });
    expect(decode(flattenLine(original, original.logs[0]!))).toEqual([
      group([log(1_700_000_000, { method: 'GET', 'host.name': 'web-1' })], {
        topic: 'access',
        source: '10.0.0.1',
      }),
    ]);
  });

  it('reads __time__, __time_ns_part__, __topic__, __source__ and __tag__: keys', () => {
    const text =
      '{"__time__":"1700000000","__time_ns_part__":"123","__topic__":"t","__source__":"s","__tag__:__hostname__":"h","time":"10:00","msg":"m"}';
    expect(decode(text)).toEqual([
      group([log(1_700_000_000, { time: '10:00', msg: 'm' }, 123)], {
        topic: 't',
        source: 's',
        logTags: [{ key: '__hostname__', value: 'h' }],
      }),
    ]);
  });

  it('keeps a second topic key as a content instead of dropping it', () => {
    expect(decode('{"time":1,"__topic__":"a","log.topic":"b"}')).toEqual([
      group([log(1, { 'log.topic': 'b' })], { topic: 'a' }),
    ]);
  });
});

describe('jsonline and arrays', () => {
  it('groups logs sharing topic, source and tags (in any key order), keeping first-seen order', () => {
    const text = [
      '{"time":1,"contents":{"n":"1"},"tags":{"a":"1","b":"2"}}',
      '',
      '{"time":2,"contents":{"n":"2"},"tags":{"c":"3"}}\r',
      '{"time":3,"contents":{"n":"3"},"tags":{"b":"2","a":"1"}}',
      '{"time":4,"n":"4","__tag__:c":"3"}',
      '',
    ].join('\n');
    expect(decodePayload(utf8(text), AUTO)).toMatchObject({
      groups: [
        group([log(1, { n: '1' }), log(3, { n: '3' })], {
          logTags: [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
          ],
        }),
        group([log(2, { n: '2' }), log(4, { n: '4' })], { logTags: [{ key: 'c', value: '3' }] }),
      ],
      format: 'converter-json:jsonline',
      control: false,
    });
  });

  it('reads a JSON array of converter objects', () => {
    expect(decode('[{"time":1,"a":"b"},{"time":2,"a":"c"}]')).toEqual([
      group([log(1, { a: 'b' }), log(2, { a: 'c' })]),
    ]);
  });
});

describe('malformed converter JSON', () => {
  it.each([
    ['{"time":-1,"a":"b"}', '$.time', 'got -1'],
    ['{"time":-12345678901234567890,"a":"b"}', '$.time', 'negative time'],
    ['{"time":1e30,"a":"b"}', '$.time', 'uint32 range'],
    ['{"time":"soon","a":"b"}', '$.time', 'got a string'],
    ['{"time":1,"contents":{}, "tags":{}, "x":1, "y":[}', '$', 'invalid JSON'],
    ['{"__time__":1700000000123456789}', '$.__time__', 'seconds beyond the uint32 range'],
    ['{"__time__":1,"__time_ns_part__":1000000000}', '$.__time_ns_part__', 'expected nanoseconds'],
    ['{"time":1,"contents":{"a":"b"}}\n{"contents":{}}', 'line 2.time', 'required field missing'],
    ['{"time":1,"a":"b"}\n{"time":1,"a":', 'line 2', 'invalid JSON'],
    ['{"time":1,"a":"b"}\n[1]', 'line 2', 'expected a converter JSON object'],
    ['[{"time":1},"x"]', '$[1]', 'expected a converter JSON object'],
  ])('%s → DecodeError at %s', (text, field, detail) => {
    const error = decodeError(text);
    expect(error.field).toBe(field);
    expect(error.message).toContain(detail);
  });

  it('refuses values nested too deeply to turn into text, with a typed error', () => {
    const nested = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expect(decodeError(`{"time":1,"a":${nested}}`).message).toContain('nested too deeply');
    // With a 19-digit number the exact-integer parse (a recursive reviver walk) is used.
    expect(decodeError(`{"time":1700000000123456789,"a":${nested}}`).message).toContain('nested too deeply');
  });
});
