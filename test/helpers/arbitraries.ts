import fc from 'fast-check';
import type { KeyValue, Log, LogGroup } from '../../src/protocol/LogGroup.ts';

// Strings from the whole Unicode range (lone surrogates excluded: they are not valid UTF-8 text).
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });

export const keyValue: fc.Arbitrary<KeyValue> = fc.record({ key: text, value: text });

export const log: fc.Arbitrary<Log> = fc.record({
  time: uint32,
  timeNs: fc.option(uint32, { nil: undefined }),
  contents: fc.array(keyValue, { maxLength: 8 }),
});

const meta = fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), { nil: undefined });

export const logGroup: fc.Arbitrary<LogGroup> = fc.record({
  logs: fc.array(log, { maxLength: 6 }),
  category: meta,
  topic: meta,
  source: meta,
  machineUUID: meta,
  logTags: fc.array(keyValue, { maxLength: 4 }),
});

export const logGroups: fc.Arbitrary<LogGroup[]> = fc.array(logGroup, { maxLength: 5 });
