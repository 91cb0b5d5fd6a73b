import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeError } from '../../../src/errors.ts';
import { partitionByHour, SECONDS_PER_HOUR, sliceLogs } from '../../../src/flushers/s3/partitionByHour.ts';
import { decodeLogGroupList, LogsAs } from '../../../src/protocol/decodeLogGroup.ts';
import { encodedLogs, logCount } from '../../../src/protocol/encodedLogs.ts';
import { encodeLogGroupList } from '../../../src/protocol/encodeLogGroup.ts';
import type { Log, LogGroup } from '../../../src/protocol/LogGroup.ts';
import { logGroups as anyLogGroups, logGroup } from '../../helpers/arbitraries.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

const BASE = Date.UTC(2024, 0, 1) / 1000;

/** Groups whose logs crowd into a few neighbouring hours, so partitions really merge and split groups. */
const clustered: fc.Arbitrary<LogGroup[]> = fc.array(
  logGroup.chain((group) =>
    fc
      .array(fc.integer({ min: BASE, max: BASE + 4 * SECONDS_PER_HOUR }), {
        minLength: group.logs.length,
        maxLength: group.logs.length,
      })
      .map((times) => ({ ...group, logs: group.logs.map((log, i) => ({ ...log, time: times[i]! })) })),
  ),
  { maxLength: 6 },
);

const bothShapes = fc.oneof(anyLogGroups, clustered);

describe('partitionByHour', () => {
  it('puts every log in exactly one partition (none lost, none duplicated)', () => {
    fc.assert(
      fc.property(bothShapes, (groups) => {
        const placed = partitionByHour(groups).flatMap((p) => p.slices.flatMap((s) => sliceLogs(s)));
        const input = groups.flatMap((g) => g.logs);
        expect(placed).toHaveLength(input.length);
        expect(new Set(placed).size).toBe(placed.length);
        for (const log of input) expect(placed).toContain(log);
      }),
    );
  });

  it('keeps each partition within its UTC hour, with correct counts and min/max times', () => {
    fc.assert(
      fc.property(bothShapes, (groups) => {
        for (const partition of partitionByHour(groups)) {
          const logs = partition.slices.flatMap((s) => sliceLogs(s));
          expect(logs.length).toBeGreaterThan(0);
          for (const log of logs) expect(Math.floor(log.time / SECONDS_PER_HOUR)).toBe(partition.hour);
          expect(partition.logCount).toBe(logs.length);
          expect(partition.minTime).toBe(Math.min(...logs.map((l) => l.time)));
          expect(partition.maxTime).toBe(Math.max(...logs.map((l) => l.time)));
        }
      }),
    );
  });

  it('sorts partitions by hour and keeps group order and log order inside each', () => {
    fc.assert(
      fc.property(bothShapes, (groups) => {
        const partitions = partitionByHour(groups);
        const hours = partitions.map((p) => p.hour);
        expect(hours).toEqual([...new Set(hours)].sort((a, b) => a - b));
        for (const partition of partitions) {
          const indexes = partition.slices.map((s) => s.groupIndex);
          expect(indexes).toEqual([...new Set(indexes)].sort((a, b) => a - b));
          for (const slice of partition.slices) {
            expect(slice.group).toBe(groups[slice.groupIndex]);
            const positions = sliceLogs(slice).map((log) => slice.group.logs.indexOf(log));
            expect(positions).toEqual([...positions].sort((a, b) => a - b));
          }
        }
      }),
    );
  });

  it('reuses the group’s own log array when the whole group is in one hour', () => {
    const group = aLogGroup([{ a: '1' }, { a: '2' }], { time: BASE });
    const [partition] = partitionByHour([group]);
    expect(sliceLogs(partition!.slices[0]!)).toBe(group.logs);
  });

  it('gives the same partitions for groups whose logs are still bytes, and leaves them bytes', () => {
    fc.assert(
      fc.property(clustered, (groups) => {
        const lazy = decodeLogGroupList(encodeLogGroupList(groups), LogsAs.encoded);
        const partitions = partitionByHour(lazy);
        expect(lazy.every((g) => encodedLogs(g) !== undefined || logCount(g) === 0)).toBe(true);
        const shape = (ps: ReturnType<typeof partitionByHour>) =>
          ps.map((p) => ({ ...p, slices: p.slices.map((s) => [s.groupIndex, s.logCount, sliceLogs(s)]) }));
        expect(shape(partitions)).toEqual(shape(partitionByHour(groups)));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps each slice as it was when partitioned, whatever happens to group.logs afterwards', () => {
    const hourly = (hour: number) => ({
      time: BASE + hour * SECONDS_PER_HOUR,
      contents: [{ key: 'h', value: `${hour}` }],
    });
    const group = (): LogGroup => ({ logs: [hourly(1), hourly(0), hourly(1), hourly(0)], logTags: [] });
    const lazy = decodeLogGroupList(encodeLogGroupList([group()]), LogsAs.encoded)[0]!;
    for (const subject of [group(), lazy]) {
      const partitions = partitionByHour([subject]);
      subject.logs.sort((a, b) => a.time - b.time);
      subject.logs.splice(0, 3);
      for (const partition of partitions) {
        const logs = sliceLogs(partition.slices[0]!);
        expect(logs.map((log) => log.contents[0]!.value)).toEqual([
          `${partition.hour - BASE / SECONDS_PER_HOUR}`,
          `${partition.hour - BASE / SECONDS_PER_HOUR}`,
        ]);
      }
    }
  });

  it('returns nothing for no groups or groups without logs', () => {
    expect(partitionByHour([])).toEqual([]);
    expect(partitionByHour([aLogGroup([])])).toEqual([]);
  });

  it('refuses a time that is not Unix seconds with an EncodeError naming the log', () => {
    const bad: Log = { time: -1, contents: [] };
    const group = { ...aLogGroup([{ a: '1' }]), logs: [{ time: BASE, contents: [] }, bad] };
    expect(() => partitionByHour([aLogGroup(), group])).toThrow(EncodeError);
    expect(() => partitionByHour([aLogGroup(), group])).toThrow(/logGroups\[1\]\.logs\[1\]\.time/);
    expect(() => partitionByHour([{ ...group, logs: [{ time: 1.5, contents: [] }] }])).toThrow(EncodeError);
  });
});
