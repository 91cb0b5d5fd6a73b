import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyValue, Log, LogGroup } from '../../src/protocol/LogGroup.ts';
import { logLineFormatter } from '../../src/protocol/logLine.ts';
import { logGroup } from '../helpers/arbitraries.ts';

/** The log line as one `JSON.stringify` of an object: what the formatter's text must equal. */
function referenceLine(group: LogGroup, project: string, logstore: string, log: Log): string {
  const object = (pairs: readonly KeyValue[]) => {
    const out: Record<string, string> = Object.create(null);
    for (const { key, value } of pairs) out[key] = value;
    return out;
  };
  return JSON.stringify({
    time: log.time,
    timeNs: log.timeNs,
    project: project || undefined,
    logstore: logstore || undefined,
    topic: group.topic || undefined,
    source: group.source || undefined,
    machineUUID: group.machineUUID || undefined,
    category: group.category || undefined,
    tags: object(group.logTags),
    contents: object(log.contents),
  });
}

// Keys that make an object reorder (array indices) or merge (duplicates), next to plain ones.
const key = fc.oneof(
  fc.constantFrom(
    'host',
    'status',
    'msg',
    '0',
    '7',
    '4294967294',
    '4294967295',
    '01',
    '-1',
    '__proto__',
    'k"\n',
  ),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
// Any UTF-16 code units, lone surrogates included: JSON.stringify escapes those.
const value = fc.string({ unit: 'binary', maxLength: 12 });

/** Logs that mostly repeat a few key orders (as a parser's output does), with changing values. */
const logsSharingShapes = fc
  .record({
    shapes: fc.array(fc.array(key, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
    logs: fc.array(
      fc.record({
        shape: fc.nat(),
        values: fc.array(value, { minLength: 6, maxLength: 6 }),
        time: fc.integer({ min: 0, max: 0xffff_ffff }),
        timeNs: fc.option(fc.integer({ min: 0, max: 999_999_999 }), { nil: undefined }),
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ shapes, logs }) =>
    logs.map(({ shape, values, time, timeNs }): Log => {
      const keys = shapes[shape % shapes.length]!;
      return { time, timeNs, contents: keys.map((k, i) => ({ key: k, value: values[i]! })) };
    }),
  );

describe('log line text', () => {
  it('equals one JSON.stringify of the line object, whatever the keys and their order from log to log', () => {
    fc.assert(
      fc.property(logGroup, logsSharingShapes, fc.constantFrom('', 'shop'), (group, logs, project) => {
        const format = logLineFormatter(group, project, 'nginx');
        for (const log of logs) expect(format(log)).toBe(referenceLine(group, project, 'nginx', log));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the first position and the last value of a duplicated key, and puts index keys first', () => {
    const format = logLineFormatter({ logs: [], logTags: [] }, 'p', 's');
    const plain = [
      { key: 'b', value: '1' },
      { key: 'a', value: '2' },
    ];
    expect(format({ time: 1, contents: plain })).toBe(
      '{"time":1,"project":"p","logstore":"s","tags":{},"contents":{"b":"1","a":"2"}}',
    );
    const tricky = [
      { key: 'b', value: '1' },
      { key: '10', value: 'x' },
      { key: 'b', value: '3' },
      { key: '2', value: 'y' },
    ];
    expect(format({ time: 1, contents: tricky })).toBe(
      '{"time":1,"project":"p","logstore":"s","tags":{},"contents":{"2":"y","10":"x","b":"3"}}',
    );
    // Back to the first key order after a different one.
    expect(format({ time: 2, contents: plain })).toBe(
      '{"time":2,"project":"p","logstore":"s","tags":{},"contents":{"b":"1","a":"2"}}',
    );
  });
});
