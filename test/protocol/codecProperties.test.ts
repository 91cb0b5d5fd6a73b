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
