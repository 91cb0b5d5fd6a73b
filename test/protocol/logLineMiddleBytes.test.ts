import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyValue, LogGroup } from '../../src/protocol/LogGroup.ts';
import { LogLineMiddleBytes } from '../../src/protocol/LogLineMiddleBytes.ts';
import { logLineMiddle } from '../../src/protocol/logLine.ts';

// Few choices for each part, so that consecutive groups often share a head, a key order or values
// (as one host's groups do) and the kept bytes are reused, next to ones that change.
const meta = fc.oneof(
  fc.constantFrom(undefined, '', 'nginx-access', 'shop-frontend', '10.0.0.7', 'ü"\n'),
  fc.string({ unit: 'grapheme', minLength: 129, maxLength: 400 }), // too long to be kept
  fc.constantFrom<unknown>(7, 0, true, { nested: 'x' }) as fc.Arbitrary<string>, // not strings: user code
);
const key = fc.constantFrom('__hostname__', '__path__', '__pack_id__', 'zone', '0', '7', '__proto__', 'k"é');
const value = fc.oneof(
  fc.constantFrom('web-1', 'web-2', '/var/log/a.log', '', 'A1B2-0', 'A1B2-1'),
  fc.string({ unit: 'binary', maxLength: 10 }), // lone surrogates included: JSON.stringify escapes them
  fc.string({ unit: 'grapheme', maxLength: 300 }), // longer than the first buffer once several add up
  fc.string({ unit: 'binary', minLength: 2000, maxLength: 3000 }), // larger than the first buffer alone
);
/** Values that are not strings: user code may put anything in a group it builds. */
const oddValue = fc.constantFrom<unknown>(7, null, true, { nested: 'x' }, undefined);

const keyOrders = fc.array(fc.array(key, { maxLength: 5 }), { minLength: 1, maxLength: 3 });

const groups = keyOrders.chain((orders) =>
  fc
    .array(
      fc.record({
        order: fc.nat(),
        values: fc.array(fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: oddValue }), {
          minLength: 5,
          maxLength: 5,
        }),
        topic: meta,
        source: meta,
        machineUUID: meta,
        category: meta,
        repeat: fc.boolean(),
      }),
      { minLength: 1, maxLength: 20 },
    )
    .map((specs) => {
      let previous: LogGroup | undefined;
      return specs.map(({ order, values, repeat, ...fields }): LogGroup => {
        if (repeat && previous !== undefined) return previous; // the very same group again
        const keys = orders[order % orders.length]!;
        const logTags = keys.map((k, i): KeyValue => ({ key: k, value: values[i] as string }));
        previous = { logs: [], logTags, ...fields };
        return previous;
      });
    }),
);

describe('LogLineMiddleBytes', () => {
  it('holds exactly the UTF-8 of logLineMiddle after each group, whatever changed since the last one', () => {
    fc.assert(
      fc.property(
        groups,
        fc.constantFrom('', 'shop'),
        fc.constantFrom('', 'nginx'),
        (list, project, logstore) => {
          const middle = new LogLineMiddleBytes(project, logstore);
          for (const group of list) {
            middle.set(group);
            const expected = Buffer.from(logLineMiddle(group, project, logstore), 'utf8');
            expect(middle.bytes.subarray(0, middle.length).equals(expected)).toBe(true);
          }
        },
      ),
    );
  });

  it("follows one host's groups as their pack id, tags and fields change from group to group", () => {
    const group = (packId: string, zone: string): LogGroup => ({
      logs: [],
      topic: 'shop',
      logTags: [
        { key: '__hostname__', value: 'web-1' },
        { key: '__pack_id__', value: packId },
        { key: 'zone', value: zone },
      ],
    });
    const middle = new LogLineMiddleBytes('p', 's');
    const sequence = [
      group('A-1', 'z'),
      group('A-22', 'z'),
      group('A-22', 'zz'),
      group('A-3', 'z'),
      group('A-4', 'ü'.repeat(3000)), // several times the first buffer's room
      { ...group('A-3', 'z'), logTags: [] },
    ];
    for (const g of sequence) {
      middle.set(g);
      const expected = Buffer.from(logLineMiddle(g, 'p', 's'), 'utf8');
      expect(middle.bytes.subarray(0, middle.length).equals(expected)).toBe(true);
    }
  });
});
