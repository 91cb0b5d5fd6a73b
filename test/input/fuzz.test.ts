import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoisonRecordError } from '../../src/errors.ts';
import { decodePayload, InputFormat } from '../../src/input/decodePayload.ts';
import { deaggregateKpl, KPL_MAGIC } from '../../src/input/kpl.ts';
import { encodeLogGroup, encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { encodeLogGroupListJson } from '../../src/protocol/logGroupJson.ts';
import { logGroup, logGroups } from '../helpers/arbitraries.ts';
import { aggregateKpl, frameKpl } from '../helpers/kplAggregator.ts';
import {
  base64,
  cloudWatchData,
  customSingleLine,
  flattenLine,
  gzip,
  utf8,
  zstd,
} from './helpers/payloads.ts';

// Default runs keep the suite fast; the long run sets FUZZ_RUNS=10000 (or more).
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
// About 3 ms a run on a shared 2-core machine: give long runs room, never less than the default.
const TIMEOUT = Math.max(30_000, RUNS * 15);
const FORMATS = Object.values(InputFormat);
// A small limit keeps memory low while still letting mutated streams hit it.
const options = (format: InputFormat) => ({ format, maxDecompressedBytes: 1024 * 1024 });

function onlyPoison(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof PoisonRecordError)) throw error;
  }
}

const ENVELOPES = {
  none: (bytes: Uint8Array) => bytes,
  gzip: (bytes: Uint8Array) => gzip(bytes),
  zstd: (bytes: Uint8Array) => zstd(bytes),
  base64: (bytes: Uint8Array) => base64(bytes),
  'base64+gzip': (bytes: Uint8Array) => base64(gzip(bytes)),
  'base64+zstd': (bytes: Uint8Array) => base64(zstd(bytes)),
  'gzip+zstd': (bytes: Uint8Array) => gzip(zstd(bytes)),
} as const;
const envelope = fc.constantFrom(...(Object.keys(ENVELOPES) as Array<keyof typeof ENVELOPES>));
const wrap = (name: keyof typeof ENVELOPES, bytes: Uint8Array): Uint8Array => ENVELOPES[name](bytes);

const nonEmptyGroup = logGroup.filter((group) => group.logs.length > 0);
const cloudWatchEvent = fc.record({
  id: fc.string({ maxLength: 20 }),
  timestamp: fc.integer({ min: 0, max: 4_294_967_295_999 }),
  message: fc.string({ unit: 'grapheme', maxLength: 60 }),
});

/** Valid payloads of every format, before any envelope. */
const validPayload: fc.Arbitrary<Uint8Array> = fc.oneof(
  logGroups.map((groups) => encodeLogGroupList(groups)),
  logGroup.map((group) => encodeLogGroup(group)),
  logGroups.map((groups) => utf8(encodeLogGroupListJson(groups))),
  fc
    .tuple(nonEmptyGroup, fc.boolean(), fc.boolean())
    .map(([group, nanoseconds, flat]) =>
      utf8(
        group.logs
          .map((log) => (flat ? flattenLine : customSingleLine)(group, log, { nanoseconds }))
          .join('\n'),
      ),
    ),
  fc.array(cloudWatchEvent, { maxLength: 5 }).map((events) => utf8(cloudWatchData(events))),
);

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number };

const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  ),
  { minLength: 1, maxLength: 4 },
);

function mutate(input: Uint8Array, changes: readonly Mutation[]): Uint8Array {
  let bytes = Buffer.from(input);
  for (const change of changes) {
    const at = change.at % (bytes.length + 1);
    if (change.kind === 'set' && at < bytes.length) bytes[at] = change.value;
    else if (change.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (change.kind === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    else if (change.kind === 'delete')
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.count)]);
  }
  return bytes;
}

/** JSON objects made of the keys the decoders look for, with any JSON values. */
const shapedJson = fc
  .dictionary(
    fc.constantFrom(
      'time',
      '__time__',
      '__time_ns_part__',
      'contents',
      'tags',
      'groups',
      'messageType',
      'logEvents',
      'logGroup',
      'logStream',
      'owner',
      'subscriptionFilters',
      '__topic__',
      'host.ip',
      '__tag__:k',
      '__proto__',
    ),
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(
        'DATA_MESSAGE',
        'CONTROL_MESSAGE',
        1_700_000_000,
        1_700_000_000_123_456_789n.toString(),
      ),
    ),
    { maxKeys: 8 },
  )
  .chain((object) =>
    fc.constantFrom(JSON.stringify(object), `[${JSON.stringify(object)}]`, `${JSON.stringify(object)}\n{}`),
  );

describe('fuzz: decodePayload throws only PoisonRecordError', { timeout: TIMEOUT }, () => {
  it('on random bytes, in every format', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...FORMATS), (bytes, format) => {
        onlyPoison(() => decodePayload(bytes, options(format)));
      }),
      { numRuns: RUNS },
    );
  });

  it('on random bytes behind every magic number and text start', () => {
    const prefixes = [
      [0x1f, 0x8b],
      [0x28, 0xb5, 0x2f, 0xfd],
      [...KPL_MAGIC],
      [0x0a],
      [0x7b],
      [0x5b],
      [0x0a, 0x7b],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.uint8Array({ maxLength: 256 }),
        fc.constantFrom(...FORMATS),
        (prefix, rest, format) => {
          onlyPoison(() => decodePayload(new Uint8Array([...prefix, ...rest]), options(format)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on random base64 text', () => {
    fc.assert(
      fc.property(fc.base64String({ maxLength: 400 }), fc.constantFrom(...FORMATS), (text, format) => {
        onlyPoison(() => decodePayload(utf8(text), options(format)));
      }),
      { numRuns: RUNS },
    );
  });

  it('on mutated valid payloads of every format, then wrapped in every envelope', () => {
    fc.assert(
      fc.property(
        validPayload,
        mutations,
        envelope,
        fc.constantFrom(...FORMATS),
        (payload, changes, name, format) => {
          onlyPoison(() => decodePayload(wrap(name, mutate(payload, changes)), options(format)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on valid payloads wrapped in every envelope, then mutated (compressed streams, base64 text)', () => {
    fc.assert(
      fc.property(
        validPayload,
        envelope,
        mutations,
        fc.constantFrom(...FORMATS),
        (payload, name, changes, format) => {
          onlyPoison(() => decodePayload(mutate(wrap(name, payload), changes), options(format)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on random JSON documents and objects shaped like each JSON format', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
          shapedJson,
        ),
        fc.constantFrom(...FORMATS),
        (text, format) => {
          onlyPoison(() => decodePayload(utf8(text), options(format)));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** What decoding gave: the result, or the error's class and message. */
function outcome(run: () => ReturnType<typeof decodePayload>): unknown {
  try {
    return run();
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

describe('fuzz: a payload given as text decodes as its UTF-8 bytes do', { timeout: TIMEOUT }, () => {
  // SQS bodies reach decodePayload as strings; canonical base64 is decoded from the string itself.
  const text = fc.oneof(
    fc
      .tuple(validPayload, envelope, mutations)
      .map(([payload, name, changes]) => Buffer.from(mutate(wrap(name, payload), changes)).toString('utf8')),
    fc
      .tuple(validPayload, envelope)
      .map(([payload, name]) => Buffer.from(wrap(name, payload)).toString('utf8')),
    fc.base64String({ maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
  it('with the same groups and format, or the same error, in every format and under a small size limit', () => {
    fc.assert(
      fc.property(
        text,
        fc.constantFrom(...FORMATS),
        fc.constantFrom(1024 * 1024, 48),
        (body, format, limit) => {
          const opts = { format, maxDecompressedBytes: limit };
          expect(outcome(() => decodePayload(body, opts))).toEqual(
            outcome(() => decodePayload(Buffer.from(body, 'utf8'), opts)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: valid payloads decode to what was encoded', { timeout: TIMEOUT }, () => {
  it('LogGroupLists and the JSON form, through every envelope', () => {
    fc.assert(
      fc.property(logGroups, fc.boolean(), envelope, (groups, asJson, name) => {
        const payload = asJson ? utf8(encodeLogGroupListJson(groups)) : encodeLogGroupList(groups);
        expect(decodePayload(wrap(name, payload), options('auto')).groups).toEqual(groups);
      }),
      { numRuns: RUNS },
    );
  });

  it('custom_single lines with nanosecond times', () => {
    const RESERVED = new Set(['host.ip', 'host_ip', 'log.topic', 'log_topic']);
    // Integer-like keys are enumerated first by JavaScript objects: keep them out of order checks.
    const key = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((k) => !RESERVED.has(k) && !/^(0|[1-9]\d*)$/.test(k));
    const pairs = fc
      .uniqueArray(fc.tuple(key, fc.string({ unit: 'grapheme', maxLength: 20 })), {
        selector: ([k]) => k,
        maxLength: 5,
      })
      .map((list) => list.map(([k, value]) => ({ key: k, value })));
    const meta = fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined });
    const group: fc.Arbitrary<LogGroup> = fc.record({
      logs: fc.array(
        fc.record({
          time: fc.integer({ min: 5, max: 0xffff_ffff }),
          timeNs: fc.integer({ min: 0, max: 999_999_999 }),
          contents: pairs,
        }),
        { minLength: 1, maxLength: 4 },
      ),
      category: fc.constant(undefined),
      topic: meta,
      source: meta,
      machineUUID: fc.constant(undefined),
      logTags: pairs,
    });
    fc.assert(
      fc.property(group, (expected) => {
        const text = expected.logs
          .map((log) => customSingleLine(expected, log, { nanoseconds: true }))
          .join('\n');
        expect(decodePayload(utf8(text), options('auto')).groups).toEqual([expected]);
      }),
      { numRuns: RUNS },
    );
  });

  it('CloudWatch events keep their milliseconds', () => {
    fc.assert(
      fc.property(fc.array(cloudWatchEvent, { minLength: 1, maxLength: 5 }), (events) => {
        const [group] = decodePayload(gzip(cloudWatchData(events)), options('auto')).groups;
        expect(group!.logs.map((log) => log.time * 1000 + log.timeNs! / 1_000_000)).toEqual(
          events.map((e) => e.timestamp),
        );
        expect(group!.logs.map((log) => log.contents[0]!.value)).toEqual(events.map((e) => e.message));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: deaggregateKpl', { timeout: TIMEOUT }, () => {
  const userRecords = fc.array(
    fc.record({
      data: fc.uint8Array({ maxLength: 64 }),
      partitionKey: fc.string({ maxLength: 8 }),
      explicitHashKey: fc.option(fc.stringMatching(/^\d{1,38}$/), { nil: undefined }),
    }),
    { maxLength: 6 },
  );

  it('returns every user record of a valid aggregate', () => {
    fc.assert(
      fc.property(userRecords, (records) => {
        expect(deaggregateKpl(aggregateKpl(records)).map((data) => [...data])).toEqual(
          records.map((r) => [...r.data]),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('throws only PoisonRecordError on random or mutated bodies with a correct MD5, and on mutated frames', () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 256 }),
      fc.tuple(userRecords, mutations).map(([records, changes]) => {
        const aggregate = aggregateKpl(records);
        return mutate(aggregate.subarray(KPL_MAGIC.length, aggregate.length - 16), changes);
      }),
    );
    fc.assert(
      fc.property(body, mutations, (message, changes) => {
        onlyPoison(() => deaggregateKpl(frameKpl(message)));
        onlyPoison(() => deaggregateKpl(mutate(frameKpl(message), changes)));
      }),
      { numRuns: RUNS },
    );
  });
});
