import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DecodeError,
  PoisonRecordError,
  SizeLimitError,
  UnsupportedFormatError,
} from '../../src/errors.ts';
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type DecodeOptions,
  decodePayload,
  InputFormat,
} from '../../src/input/decodePayload.ts';
import { encodeLogGroup, encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { encodeLogGroupListJson } from '../../src/protocol/logGroupJson.ts';
import { aggregateKpl } from '../helpers/kplAggregator.ts';
import { aLogGroup } from '../helpers/logGroups.ts';
import {
  AUTO,
  base64,
  CLOUDWATCH_CONTROL,
  cloudWatchData,
  customSingleLine,
  gzip,
  utf8,
  zstd,
} from './helpers/payloads.ts';

const groups: LogGroup[] = [
  aLogGroup([
    { method: 'GET', path: '/', status: '200' },
    { method: 'POST', path: '/cart', status: '201' },
  ]),
  aLogGroup([{ level: 'warn', msg: 'slow' }], { topic: 'app', logTags: [{ key: 'env', value: 'prod' }] }),
];
const list = encodeLogGroupList(groups);
const forced = (format: InputFormat): DecodeOptions => ({
  format,
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
});

function thrown(run: () => unknown): PoisonRecordError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PoisonRecordError);
    return error as PoisonRecordError;
  }
  throw new Error('expected a PoisonRecordError');
}

describe('decodePayload detection (auto)', () => {
  it.each([
    ['protobuf', list],
    ['gzip+protobuf', gzip(list)],
    ['zstd+protobuf', zstd(list)],
    ['base64+protobuf', base64(list)],
    ['base64+gzip+protobuf', base64(gzip(list))],
    ['base64+zstd+protobuf', base64(zstd(list))],
    ['gzip+zstd+protobuf', gzip(zstd(list))],
  ])('decodes a LogGroupList as %s, counting the bytes decoded after every envelope', (format, bytes) => {
    expect(decodePayload(bytes, AUTO)).toEqual({ groups, format, control: false, decodedBytes: list.length });
  });

  it('accepts MIME-wrapped base64 with CRLF line breaks, a trailing newline, and the URL-safe alphabet', () => {
    const text = Buffer.from(gzip(list)).toString('base64');
    const wrapped = `${text.replace(/.{76}/g, '$&\r\n')}\n`;
    expect(decodePayload(utf8(wrapped), AUTO).groups).toEqual(groups);
    const urlSafe = text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(decodePayload(utf8(urlSafe), AUTO)).toMatchObject({ groups, format: 'base64+gzip+protobuf' });
  });

  it('decodes a single LogGroup (not wrapped in a list), raw and compressed', () => {
    const group = groups[0]!;
    expect(decodePayload(encodeLogGroup(group), AUTO)).toMatchObject({
      groups: [group],
      format: 'protobuf-loggroup',
      control: false,
    });
    expect(decodePayload(base64(gzip(encodeLogGroup(group))), AUTO).format).toBe(
      'base64+gzip+protobuf-loggroup',
    );
  });

  it('reads an empty payload as an empty LogGroupList', () => {
    expect(decodePayload(new Uint8Array(), AUTO)).toEqual({
      groups: [],
      format: 'protobuf',
      control: false,
      decodedBytes: 0,
    });
  });

  it('tells a LogGroupList whose first length byte is `{` from JSON text starting with a newline', () => {
    let group: LogGroup | undefined;
    for (let pad = 0; pad < 200 && group === undefined; pad++) {
      const candidate = aLogGroup([{ msg: 'x'.repeat(pad) }]);
      if (encodeLogGroup(candidate).length === 0x7b) group = candidate;
    }
    const bytes = encodeLogGroupList([group!]);
    expect([bytes[0], bytes[1]]).toEqual([0x0a, 0x7b]); // "\n{"
    expect(decodePayload(bytes, AUTO)).toMatchObject({ groups: [group], format: 'protobuf' });
    expect(decodePayload(utf8(`\n${encodeLogGroupListJson([group!])}`), AUTO)).toMatchObject({
      groups: [group],
      format: 'json',
    });
  });

  it('detects the JSON form, with or without a BOM and leading whitespace', () => {
    const text = encodeLogGroupListJson(groups);
    expect(decodePayload(utf8(text), AUTO)).toMatchObject({ groups, format: 'json', control: false });
    expect(decodePayload(utf8(`\uFEFF \r\n\t${text}`), AUTO).groups).toEqual(groups);
    expect(decodePayload(base64(gzip(text)), AUTO).format).toBe('base64+gzip+json');
  });

  // Integers beyond 2^53 parse as exact raw-JSON values: one where an object belongs must be
  // refused, not read as an empty LogGroup (whose record would then be acked with nothing written).
  it.each([
    ['a group', '{"groups":[12345678901234567890]}', 'groups[0]'],
    ['a log', '{"groups":[{"logs":[12345678901234567890]}]}', 'groups[0].logs[0]'],
    ['a tag', '{"groups":[{"logTags":[12345678901234567890]}]}', 'groups[0].logTags[0]'],
    ['a time', '{"groups":[{"logs":[{"time":12345678901234567890}]}]}', 'groups[0].logs[0].time'],
  ])('refuses an integer beyond 2^53 as %s of the JSON form, naming it', (_name, text, field) => {
    for (const options of [AUTO, forced(InputFormat.json)]) {
      const error = thrown(() => decodePayload(utf8(text), options));
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).field).toBe(field);
      expect(error.message).toContain('got 12345678901234567890');
    }
  });

  it('detects CloudWatch Logs subscription payloads, gzipped as AWS sends them or plain', () => {
    const data = cloudWatchData([{ id: '1', timestamp: 1_700_000_000_250, message: 'hello' }]);
    expect(decodePayload(gzip(data), AUTO)).toMatchObject({
      format: 'gzip+cloudwatch-subscription',
      control: false,
    });
    expect(decodePayload(utf8(data), AUTO).format).toBe('cloudwatch-subscription');
    expect(decodePayload(gzip(CLOUDWATCH_CONTROL), AUTO)).toMatchObject({
      groups: [],
      format: 'gzip+cloudwatch-subscription',
      control: true,
    });
  });

  it('detects converter JSON: custom_single, flatten, jsonline, arrays', () => {
    const group = groups[0]!;
    const single = customSingleLine(group, group.logs[0]!);
    expect(decodePayload(utf8(single), AUTO).format).toBe('converter-json:custom_single');
    expect(decodePayload(utf8('{"time":1700000000,"msg":"hi"}'), AUTO).format).toBe(
      'converter-json:custom_single_flatten',
    );
    const lines = group.logs.map((log) => customSingleLine(group, log, { nanoseconds: true })).join('\n');
    expect(decodePayload(utf8(lines), AUTO)).toMatchObject({
      groups: [group],
      format: 'converter-json:jsonline',
      control: false,
    });
    expect(decodePayload(gzip(`[${single}]`), AUTO).format).toBe('gzip+converter-json:array');
  });

  it('refuses a KPL aggregate: the runtime de-aggregates first', () => {
    const error = thrown(() => decodePayload(aggregateKpl([{ data: list }]), AUTO));
    expect(error).toBeInstanceOf(UnsupportedFormatError);
    expect(error.message).toContain('deaggregateKpl');
  });

  it('undoes at most two nested compression layers', () => {
    for (const payload of [gzip(gzip(gzip(list))), base64(gzip(gzip(gzip(list))))]) {
      // Under base64 too: the text's raw-protobuf reading must not hide why its content was refused.
      const error = thrown(() => decodePayload(payload, AUTO));
      expect(error).toBeInstanceOf(UnsupportedFormatError);
      expect(error.message).toContain('more than 2 nested compression layers');
    }
  });

  it('undoes base64 once, and only outside compression', () => {
    expect(thrown(() => decodePayload(base64(base64(list)), AUTO))).toBeInstanceOf(PoisonRecordError);
    expect(thrown(() => decodePayload(gzip(base64(list)), AUTO))).toBeInstanceOf(PoisonRecordError);
  });

  it('calls unrecognisable bytes unsupported and broken protobuf malformed', () => {
    const text = thrown(() => decodePayload(utf8('<13>Jan  1 00:00:00 host app: hello'), AUTO));
    expect(text).toBeInstanceOf(UnsupportedFormatError);
    expect(text.message).toContain('matches no known input format (text "<13>Jan  1 00:00:00 host app: he"…');
    const truncated = thrown(() => decodePayload(list.subarray(0, list.length - 3), AUTO));
    expect(truncated).toBeInstanceOf(DecodeError);
    expect(thrown(() => decodePayload(utf8('{"a":'), AUTO))).toBeInstanceOf(DecodeError);
    // Only `{` and `[` start JSON text here: a bare JSON scalar is read as (and fails as) protobuf.
    expect(thrown(() => decodePayload(utf8('null'), AUTO))).toBeInstanceOf(UnsupportedFormatError);
    expect(thrown(() => decodePayload(utf8('{"hello":"world"}'), AUTO))).toBeInstanceOf(
      UnsupportedFormatError,
    );
    expect(thrown(() => decodePayload(utf8('[1,2]'), AUTO))).toBeInstanceOf(DecodeError);
  });

  it('reports the base64 reading when its content was recognised but broken', () => {
    const error = thrown(() => decodePayload(base64(gzip(list).subarray(0, 30)), AUTO));
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.message).toContain('gzip');
  });

  it('quotes at most 32 characters of the payload in messages, JSON-escaped', () => {
    const secret = 'password=hunter2';
    const error = thrown(() => decodePayload(utf8(`<${'a'.repeat(40)}\u0001${secret}`), AUTO));
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain(`"<${'a'.repeat(31)}"…`);
    const badJson = thrown(() => decodePayload(utf8(`{"x":"${secret}", oops}`), AUTO));
    expect(badJson.message).not.toContain(secret);
    expect(badJson.message).toBe('$: invalid JSON: unexpected character at position 25');
  });
});

describe('decodePayload with a forced format', () => {
  it.each([
    [InputFormat.protobuf, base64(zstd(list)), 'base64+zstd+protobuf'],
    [InputFormat.json, gzip(encodeLogGroupListJson(groups)), 'gzip+json'],
    [
      InputFormat.converterJson,
      utf8('{"time":1700000000,"msg":"hi"}'),
      'converter-json:custom_single_flatten',
    ],
    [
      InputFormat.cloudwatchSubscription,
      base64(gzip(cloudWatchData([{ id: '1', timestamp: 1, message: 'm' }]))),
      'base64+gzip+cloudwatch-subscription',
    ],
  ])('%s decodes its own payloads through every envelope', (format, bytes, detected) => {
    expect(decodePayload(bytes, forced(format)).format).toBe(detected);
  });

  it('decodes a LogGroupList whose bytes look like JSON text when protobuf is forced', () => {
    const bytes = encodeLogGroupList([aLogGroup([{ msg: '{' }])]);
    expect(decodePayload(bytes, forced(InputFormat.protobuf)).format).toBe('protobuf');
  });

  it('refuses payloads of another format with UnsupportedFormatError or DecodeError', () => {
    const json = utf8(encodeLogGroupListJson(groups));
    const converter = utf8('{"time":1700000000,"msg":"hi"}');
    const cloudwatch = gzip(cloudWatchData([{ id: '1', timestamp: 1, message: 'm' }]));
    const jsonAsProtobuf = thrown(() => decodePayload(json, forced(InputFormat.protobuf)));
    expect(jsonAsProtobuf).toBeInstanceOf(UnsupportedFormatError);
    expect(jsonAsProtobuf.message).toMatch(/^input format protobuf got JSON text \(text "\{/);
    // Under base64 too, not the raw reading of the base64 text.
    expect(thrown(() => decodePayload(base64(json), forced(InputFormat.protobuf))).message).toMatch(
      /^input format protobuf got JSON text \(text "\{.* after base64\)/,
    );
    expect(thrown(() => decodePayload(list, forced(InputFormat.json)))).toBeInstanceOf(
      UnsupportedFormatError,
    );
    expect(thrown(() => decodePayload(list, forced(InputFormat.converterJson)))).toBeInstanceOf(
      UnsupportedFormatError,
    );
    expect(thrown(() => decodePayload(converter, forced(InputFormat.json)))).toBeInstanceOf(DecodeError);
    expect(thrown(() => decodePayload(cloudwatch, forced(InputFormat.json)))).toBeInstanceOf(DecodeError);
    expect(thrown(() => decodePayload(json, forced(InputFormat.converterJson)))).toBeInstanceOf(DecodeError);
    expect(thrown(() => decodePayload(json, forced(InputFormat.cloudwatchSubscription)))).toBeInstanceOf(
      DecodeError,
    );
    expect(thrown(() => decodePayload(converter, forced(InputFormat.cloudwatchSubscription)))).toBeInstanceOf(
      DecodeError,
    );
  });
});

describe('decodePayload options', () => {
  it('rejects an unknown format or a bad size limit with ConfigError (a bug, not a poison record)', () => {
    expect(() => decodePayload(list, { format: 'xml' as InputFormat, maxDecompressedBytes: 1024 })).toThrow(
      ConfigError,
    );
    for (const maxDecompressedBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => decodePayload(list, { format: 'auto', maxDecompressedBytes })).toThrow(ConfigError);
    }
  });

  it('applies the size limit to uncompressed payloads too', () => {
    const error = thrown(() =>
      decodePayload(list, { format: 'auto', maxDecompressedBytes: list.length - 1 }),
    );
    expect(error).toBeInstanceOf(SizeLimitError);
    expect((error as SizeLimitError).limit).toBe(list.length - 1);
    expect(decodePayload(list, { format: 'auto', maxDecompressedBytes: list.length }).groups).toEqual(groups);
  });
});
