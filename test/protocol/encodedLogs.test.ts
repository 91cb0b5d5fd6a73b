import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.ts';
import { encodePartition } from '../../src/flushers/s3/encodePartition.ts';
import { partitionByHour } from '../../src/flushers/s3/partitionByHour.ts';
import { decodeLogGroup, decodeLogGroupList, LogsAs } from '../../src/protocol/decodeLogGroup.ts';
import { EncodedLogLineWriter } from '../../src/protocol/EncodedLogLineWriter.ts';
import { encodedLogs, logCount } from '../../src/protocol/encodedLogs.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { logLineFormatter } from '../../src/protocol/logLine.ts';
import { logGroups } from '../helpers/arbitraries.ts';
import { aLogGroup } from '../helpers/logGroups.ts';
import { bytesField, stringField, tag, varintField } from '../helpers/protoWriter.ts';

// Default runs keep the suite fast; `npm run fuzz` sets FUZZ_RUNS=10000.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const TIMEOUT = Math.max(30_000, RUNS * 15);

const jsonl = (groups: LogGroup[]) =>
  Buffer.concat(partitionByHour(groups).flatMap((p) => [...encodePartition(p, 'jsonl', 'shop', 'nginx')]));

describe('LogGroups with their logs left encoded', () => {
  it('count and time their logs without decoding them, and read back as exactly what decoding gives', () => {
    fc.assert(
      fc.property(logGroups, (groups) => {
        const bytes = encodeLogGroupList(groups);
        const lazy = decodeLogGroupList(bytes, LogsAs.encoded);
        expect(lazy.map(logCount)).toEqual(groups.map((g) => g.logs.length));
        expect(lazy.map((g) => encodedLogs(g)!.times)).toEqual(
          groups.map((g) => g.logs.map((log) => log.time)),
        );
        expect(lazy.every((g) => encodedLogs(g) !== undefined)).toBe(true);
        expect(lazy).toEqual(decodeLogGroupList(bytes));
        // Read once, decoded for good: the bytes are gone.
        expect(lazy.every((g) => encodedLogs(g) === undefined)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('forget their bytes when the logs are assigned or read and changed, so no stale line is written', () => {
    const group = aLogGroup([{ msg: 'old' }, { msg: 'older' }], { time: 1_700_000_000 });
    const bytes = encodeLogGroupList([group]);

    const assigned = decodeLogGroupList(bytes, LogsAs.encoded)[0]!;
    assigned.logs = [{ time: 1_700_000_001, contents: [{ key: 'msg', value: 'new' }] }];
    expect(encodedLogs(assigned)).toBeUndefined();
    expect(jsonl([assigned]).toString()).toMatch(/^\{"time":1700000001,.*"contents":\{"msg":"new"\}\}\n$/);

    const changed = decodeLogGroupList(bytes, LogsAs.encoded)[0]!;
    changed.logs.push({ time: 1_700_000_002, contents: [{ key: 'msg', value: 'pushed' }] });
    changed.logs[0]!.contents[0]!.value = 'edited';
    const lines = jsonl([changed]).toString().trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).contents.msg)).toEqual(['edited', 'older', 'pushed']);
  });

  it('have the same keys in the same order as a decoded group, before and after their logs are read', () => {
    const bytes = encodeLogGroupList([aLogGroup([{ msg: 'a' }], { time: 1_700_000_000 })]);
    const keys = Object.keys(decodeLogGroupList(bytes)[0]!);
    const lazy = decodeLogGroupList(bytes, LogsAs.encoded)[0]!;
    expect(Object.keys(lazy)).toEqual(keys);
    void lazy.logs;
    expect(Object.keys(lazy)).toEqual(keys);
  });

  it('decode once and stay consistent when frozen or sealed (the accessor cannot become a plain property)', () => {
    const group = aLogGroup([{ msg: 'a' }, { msg: 'b' }], { time: 1_700_000_000 });
    const bytes = encodeLogGroupList([group]);
    for (const lock of [Object.freeze, Object.seal]) {
      const lazy = lock(decodeLogGroupList(bytes, LogsAs.encoded)[0]!);
      expect(encodedLogs(lazy)).toBeDefined();
      const logs = lazy.logs;
      expect(logs).toEqual(group.logs);
      expect(lazy.logs).toBe(logs); // decoded once, the same array from then on
      expect(encodedLogs(lazy)).toBeUndefined(); // so a change to it is what gets written
      logs[0]!.contents[0]!.value = 'changed';
      expect(jsonl([lazy]).toString()).toContain('"msg":"changed"');
    }
  });

  it('give the same JSON Lines as decoded groups, byte for byte', () => {
    fc.assert(
      fc.property(logGroups, (groups) => {
        const bytes = encodeLogGroupList(groups);
        const lazy = decodeLogGroupList(bytes, LogsAs.encoded);
        expect(jsonl(lazy)).toEqual(jsonl(decodeLogGroupList(bytes)));
      }),
      { numRuns: 100 },
    );
  });
});

/** A Log's pairs as raw bytes: any key and value bytes, UTF-8 or not, in either field order. */
const rawPair = fc.record({
  key: fc.oneof(
    fc
      .constantFrom('host', 'status', 'msg', '0', '7', '01', '__proto__', 'k"\\', 'ключ')
      .map((k) => Buffer.from(k)),
    fc.uint8Array({ maxLength: 6 }),
  ),
  value: fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }).map((v) => Buffer.from(v)),
    fc.uint8Array({ maxLength: 12 }),
    fc.uint8Array({ maxLength: 12 }).map((b) => b.map((x) => x & 0x3f)),
    // Control bytes only: the longest escapes, to test maxBytes.
    fc.uint8Array({ maxLength: 40 }).map((b) => b.map((x) => x & 0x1f)),
  ),
  valueFirst: fc.boolean(),
});
const rawLog = fc.record({
  time: fc.integer({ min: 0, max: 0xffff_ffff }),
  timeNs: fc.option(fc.integer({ min: 0, max: 0xffff_ffff }), { nil: undefined }),
  pairs: fc.array(rawPair, { maxLength: 6 }),
  unknownField: fc.boolean(),
});

type RawLog = typeof rawLog extends fc.Arbitrary<infer T> ? T : never;

function encodeRawLog(log: RawLog): number[] {
  const pairs = log.pairs.flatMap(({ key, value, valueFirst }) => {
    const fields = valueFirst
      ? [bytesField(2, value), bytesField(1, key)]
      : [bytesField(1, key), bytesField(2, value)];
    return bytesField(2, fields.flat());
  });
  const timeNs =
    log.timeNs === undefined ? [] : [...tag(4, 5), ...Buffer.from(Uint32Array.of(log.timeNs).buffer)];
  const unknown = log.unknownField ? varintField(9, 42) : [];
  return [...varintField(1, log.time), ...unknown, ...pairs, ...timeNs];
}

describe('EncodedLogLineWriter', () => {
  it('writes each line as the formatter does, within maxBytes, whatever the bytes of keys and values', () => {
    fc.assert(
      fc.property(fc.array(rawLog, { maxLength: 8 }), (logs) => {
        const group = [
          ...stringField(3, 'topic "t"'),
          ...logs.flatMap((log) => bytesField(1, encodeRawLog(log))),
        ];
        const [lazy] = decodeLogGroupList(Uint8Array.from(bytesField(1, group)), LogsAs.encoded);
        const writer = new EncodedLogLineWriter(lazy!, encodedLogs(lazy!)!, 'shop', 'nginx');
        const [decoded] = decodeLogGroupList(Uint8Array.from(bytesField(1, group)));
        const format = logLineFormatter(decoded!, 'shop', 'nginx');
        decoded!.logs.forEach((log, i) => {
          const out = Buffer.alloc(writer.maxBytes(i));
          const end = writer.write(i, out, 0);
          expect(end).toBeLessThanOrEqual(out.length);
          // Bytes, not text: a value copied as invalid UTF-8 would read back as U+FFFD and hide.
          expect(out.subarray(0, end)).toEqual(Buffer.from(`${format(log)}\n`));
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('EncodedLogLineWriter limits', () => {
  it('gives the same JSON Lines for logs too large to write in place (formatted first) among small ones', () => {
    const big = { trace: '"at x"\n\t'.repeat(4000), city: 'Zürich' };
    const group = aLogGroup([{ msg: 'small' }, big, { msg: 'small again' }, big], { time: 1_700_000_000 });
    const bytes = encodeLogGroupList([group]);
    const lazy = decodeLogGroupList(bytes, LogsAs.encoded)[0]!;
    expect(jsonl([lazy])).toEqual(jsonl(decodeLogGroupList(bytes)));
    expect(jsonl([lazy]).toString().split('\n')).toHaveLength(5);
  });

  const lazyGroup = (contents: Record<string, string>[]) =>
    decodeLogGroupList(
      encodeLogGroupList([aLogGroup(contents, { time: 1_700_000_000 })]),
      LogsAs.encoded,
    )[0]!;

  it('writes a log with more Contents than it keeps ranges for through the formatter, unchanged', () => {
    const contents = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, `v"${i}`]));
    const lazy = lazyGroup([contents]);
    const writer = new EncodedLogLineWriter(lazy, encodedLogs(lazy)!, 'shop', 'nginx');
    const out = Buffer.alloc(writer.maxBytes(0));
    const end = writer.write(0, out, 0);
    const expected = logLineFormatter(lazy, 'shop', 'nginx')(lazy.logs[0]!);
    expect(out.subarray(0, end).toString()).toBe(`${expected}\n`);
  });

  it('throws rather than store a line cut short when given less room than it needs', () => {
    const logs: Record<string, string>[] = [{ msg: 'plain' }, { dup: '1', '0': 'an index key: formatted' }];
    for (const contents of logs) {
      const lazy = lazyGroup([contents]);
      const writer = new EncodedLogLineWriter(lazy, encodedLogs(lazy)!, 'shop', 'nginx');
      expect(() => writer.write(0, Buffer.alloc(40), 0)).toThrow(RangeError);
    }
  });
});

describe('fuzz: decoding with logs left encoded', { timeout: TIMEOUT }, () => {
  const outcome = (decode: () => unknown): string => {
    try {
      decode();
      return 'ok';
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      return error.message;
    }
  };
  const validBytes = logGroups.map((groups) => encodeLogGroupList(groups));
  const damaged = fc
    .tuple(
      validBytes,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
    )
    .map(([bytes, changes, cut]) => {
      const copy = Buffer.from(bytes);
      for (const [at, value] of changes) if (copy.length > 0) copy[at % copy.length] = value;
      return copy.subarray(0, copy.length - (cut % 4));
    });

  it('fails exactly when decoding fails, with the same error, on random and damaged payloads', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), damaged), (bytes) => {
        expect(outcome(() => decodeLogGroupList(bytes, LogsAs.encoded))).toBe(
          outcome(() => decodeLogGroupList(bytes)),
        );
        expect(outcome(() => decodeLogGroup(bytes, LogsAs.encoded))).toBe(
          outcome(() => decodeLogGroup(bytes)),
        );
      }),
      { numRuns: RUNS },
    );
  });
});
