import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlusherMatch } from '../../src/pipeline/PipelineFlusher.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { type FlushCall, planDelivery } from '../../src/runtime/planDelivery.ts';
import type { SourceRecord } from '../../src/sources/SourceRecord.ts';
import { groupFor } from '../helpers/handlerHarness.ts';
import { sourceRecords } from '../helpers/sourceRecords.ts';

const DEFAULTS = { project: 'p', logstore: 'default', configName: 'c', logstoreKey: '' };
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** A batch: each record with an order key (or none) and the logstores of its groups. */
const batchArbitrary = fc.array(
  fc.record({
    orderKey: fc.option(fc.constantFrom('g1', 'g2', 'g3'), { nil: undefined }),
    logstores: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }),
  }),
  { maxLength: 25 },
);
const matchArbitrary: fc.Arbitrary<FlusherMatch | undefined> = fc.option(
  fc.record({ logstore: fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1 }) }),
  { nil: undefined },
);

function decodedOf(batch: { orderKey: string | undefined; logstores: string[] }[]) {
  const records = sourceRecords(batch.map(({ orderKey }) => orderKey));
  return batch.map(({ logstores }, index) => ({
    record: records[index]!,
    groups: logstores.map((logstore) => groupFor(logstore)),
  }));
}

const callsOf = (waves: FlushCall[][]) => waves.flat();

describe('planDelivery', () => {
  it('puts every matched (group, flusher) pair into exactly one call, in event order, and the rest into unrouted', () => {
    fc.assert(
      fc.property(
        batchArbitrary,
        fc.array(matchArbitrary, { minLength: 1, maxLength: 3 }),
        (batch, matches) => {
          const decoded = decodedOf(batch);
          const plan = planDelivery(
            decoded,
            DEFAULTS,
            matches.map((match) => ({ match, delivered: () => false })),
          );
          const placed = new Map<LogGroup, number[]>();
          for (const call of callsOf(plan.waves)) {
            const indexes = call.items.map((item) => item.record.index);
            expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
            expect(call.records).toEqual([...new Set(call.items.map((item) => item.record))]);
            for (const item of call.items) {
              expect(item.group.logTags.find((t) => t.key === '__logstore__')?.value).toBe(
                call.destination.logstore,
              );
              placed.set(item.group, [...(placed.get(item.group) ?? []), call.flusher]);
            }
          }
          const unrouted = new Set(plan.unrouted.map((u) => u.record));
          for (const { record, groups } of decoded) {
            for (const group of groups) {
              const logstore = group.logTags.find((t) => t.key === '__logstore__')!.value;
              const expected = matches.flatMap((m, i) =>
                m === undefined || m.logstore!.includes(logstore) ? [i] : [],
              );
              expect(placed.get(group) ?? []).toEqual(expected);
              if (expected.length === 0) expect(unrouted.has(record)).toBe(true);
            }
            const holding = callsOf(plan.waves).filter((call) => call.records.includes(record)).length;
            expect(plan.calls.get(record)).toBe(holding);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('keeps an order key in waves: each wave holds a run of records with one target set, and the waves follow the key’s order', () => {
    fc.assert(
      fc.property(batchArbitrary, fc.integer({ min: 1, max: 3 }), (batch, flusherCount) => {
        const flushers = Array.from({ length: flusherCount }, () => ({ delivered: () => false }));
        const plan = planDelivery(decodedOf(batch), DEFAULTS, flushers);
        const waveOf = new Map<SourceRecord, number>();
        const targets = new Map<SourceRecord, Set<string>>();
        for (const [wave, calls] of plan.waves.entries()) {
          expect(calls.length).toBeGreaterThan(0);
          for (const call of calls) {
            for (const r of call.records) {
              expect(waveOf.get(r) ?? wave).toBe(wave);
              waveOf.set(r, wave);
              targets.set(r, (targets.get(r) ?? new Set()).add(`${call.flusher}/${call.destinationKey}`));
            }
          }
        }
        const byKey = new Map<string, SourceRecord[]>();
        for (const r of waveOf.keys()) {
          if (r.orderKey === undefined) expect(waveOf.get(r)).toBe(0);
          else byKey.set(r.orderKey, [...(byKey.get(r.orderKey) ?? []), r]);
        }
        const signature = (r: SourceRecord) => [...targets.get(r)!].sort().join(',');
        for (const records of byKey.values()) {
          records.sort((x, y) => x.index - y.index);
          for (const [i, r] of records.entries()) {
            if (i === 0) {
              expect(waveOf.get(r)).toBe(0);
              continue;
            }
            const before = records[i - 1]!;
            const step = signature(before) === signature(r) ? 0 : 1;
            expect(waveOf.get(r)).toBe(waveOf.get(before)! + step);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves out the parts a flusher already delivered, counting them per flusher', () => {
    const decoded = decodedOf([
      { orderKey: undefined, logstores: ['a', 'b'] },
      { orderKey: undefined, logstores: ['a'] },
    ]);
    const plan = planDelivery(decoded, DEFAULTS, [
      { delivered: (key, r) => r.index === 0 && key.includes('"a"') },
      { delivered: () => false },
    ]);
    expect(plan.alreadyDelivered).toEqual([1, 0]);
    const first = callsOf(plan.waves).filter(
      (call) => call.flusher === 0 && call.records.includes(decoded[0]!.record),
    );
    expect(first.map((call) => call.destination.logstore)).toEqual(['b']);
    expect(plan.calls.get(decoded[0]!.record)).toBe(3);
  });

  it('gives a record without LogGroups no calls and no wave', () => {
    const plan = planDelivery(decodedOf([{ orderKey: 'g1', logstores: [] }]), DEFAULTS, [
      { delivered: () => false },
    ]);
    expect(plan.waves).toEqual([]);
    expect(plan.unrouted).toEqual([]);
  });
});
