import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.ts';
import { decodeLogGroup, decodeLogGroupList } from '../../src/protocol/decodeLogGroup.ts';
import { encodeLogGroup, encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { decodeLogGroupListJson, encodeLogGroupListJson } from '../../src/protocol/logGroupJson.ts';
import { logGroup, logGroups } from '../helpers/arbitraries.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

function onlyDecodeErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
  }
}

describe('codec properties', () => {
  it('random LogGroups round-trip through protobuf', () => {
    fc.assert(
      fc.property(logGroups, (groups) => {
        expect(decodeLogGroupList(encodeLogGroupList(groups))).toEqual(groups);
      }),
      { numRuns: RUNS },
    );
  });

  it('a single random LogGroup round-trips through encodeLogGroup', () => {
    fc.assert(
      fc.property(logGroup, (group) => {
        expect(decodeLogGroup(encodeLogGroup(group))).toEqual(group);
      }),
      { numRuns: RUNS },
    );
  });

  it('random LogGroups round-trip through the JSON form', () => {
    fc.assert(
      fc.property(logGroups, (groups) => {
        expect(decodeLogGroupListJson(encodeLogGroupListJson(groups))).toEqual(groups);
      }),
      { numRuns: RUNS },
    );
  });

  it('random bytes never throw anything but DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        onlyDecodeErrors(() => decodeLogGroupList(bytes));
        onlyDecodeErrors(() => decodeLogGroup(bytes));
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('mutated valid payloads never throw anything but DecodeError', () => {
    fc.assert(
      fc.property(
        logGroups,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (groups, flips, cut) => {
          const bytes = encodeLogGroupList(groups).slice();
          if (bytes.length === 0) return;
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          onlyDecodeErrors(() => decodeLogGroupList(bytes));
          onlyDecodeErrors(() => decodeLogGroupList(bytes.subarray(0, cut % (bytes.length + 1))));
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('random JSON never throws anything but DecodeError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, text) => {
        onlyDecodeErrors(() => decodeLogGroupListJson(value));
        onlyDecodeErrors(() => decodeLogGroupListJson({ groups: [value] }));
        onlyDecodeErrors(() => decodeLogGroupListJson(text));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('decoder caches (key interning, per-Log ASCII text)', () => {
  // Few distinct keys, mixing ASCII and non-ASCII, so interned keys collide and Logs alternate
  // between ASCII-only and not: any stale cache entry would show as a wrong key or value.
  const key = fc.constantFrom('a', 'b', 'ab', 'status', 'stätus', '状态', 'x'.repeat(32), 'x'.repeat(33), '');
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('ok', 'é', '日本', 'a\uFFFDb'));
  const log = fc.record({
    time: fc.nat(),
    timeNs: fc.constant(undefined),
    contents: fc.array(fc.record({ key, value }), { maxLength: 6 }),
  });
  const groups = fc.array(
    fc.record({
      logs: fc.array(log, { maxLength: 5 }),
      category: fc.constant(undefined),
      topic: fc.constant(undefined),
      source: fc.constant(undefined),
      machineUUID: fc.constant(undefined),
      logTags: fc.array(fc.record({ key, value }), { maxLength: 3 }),
    }),
    { maxLength: 4 },
  );

  it('decode(encode(x)) is x with colliding keys and mixed scripts, across many decodes in a row', () => {
    fc.assert(
      fc.property(fc.array(groups, { minLength: 2, maxLength: 5 }), (batches) => {
        for (const batch of batches) expect(decodeLogGroupList(encodeLogGroupList(batch))).toEqual(batch);
      }),
      { numRuns: RUNS },
    );
  });
});
