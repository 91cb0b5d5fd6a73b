import { EncodeError } from '../../errors.ts';
import { logCount, logTime } from '../../protocol/encodedLogs.ts';
import { type Log, type LogGroup, UINT32_MAX } from '../../protocol/LogGroup.ts';

/** Seconds in one partition: objects are partitioned by UTC hour of log time. */
export const SECONDS_PER_HOUR = 3600;

/** The logs one LogGroup contributes to one partition, with the group they keep their meta and tags from. */
export interface PartitionSlice {
  /** Index of the group in the flushed `logGroups` (ties the slice to `recordIds[groupIndex]`). */
  readonly groupIndex: number;
  readonly group: LogGroup;
  /**
   * Indexes of the slice's logs in the group, ascending; `undefined` when it holds all of them.
   * Indexes rather than Log objects, so a group whose logs are still encoded stays encoded.
   */
  readonly logIndexes: readonly number[] | undefined;
  readonly logCount: number;
}

/** Everything one object will hold: the logs of one UTC hour, in input order. */
export interface Partition {
  /** Hours since the Unix epoch (`Math.floor(time / 3600)`). */
  readonly hour: number;
  readonly slices: readonly PartitionSlice[];
  readonly logCount: number;
  /** Earliest and latest `Log.time` (seconds) in the partition. */
  readonly minTime: number;
  readonly maxTime: number;
}

interface MutablePartition {
  hour: number;
  slices: PartitionSlice[];
  logCount: number;
  minTime: number;
  maxTime: number;
}

/**
 * Split LogGroups into one partition per UTC hour of log time, sorted by hour. Every log lands in
 * exactly one partition; groups keep their order, and logs their order within a group. Groups
 * without logs contribute nothing. Pure: no I/O, no clock; logs left encoded stay encoded.
 *
 * @example
 * ```ts
 * const partitions = partitionByHour(logGroups);
 * // partitions[0].hour * 3600 is the start of the earliest hour, in Unix seconds
 * ```
 */
export function partitionByHour(groups: readonly LogGroup[]): Partition[] {
  const byHour = new Map<number, MutablePartition>();
  groups.forEach((group, groupIndex) => {
    const count = logCount(group);
    if (count === 0) return;
    const hours = Array.from({ length: count }, (_, i) => hourOf(group, groupIndex, i));
    if (hours.every((hour) => hour === hours[0])) {
      add(byHour, hours[0]!, { groupIndex, group, logIndexes: undefined, logCount: count });
      return;
    }
    const split = new Map<number, number[]>();
    hours.forEach((hour, i) => {
      const indexes = split.get(hour);
      if (indexes === undefined) split.set(hour, [i]);
      else indexes.push(i);
    });
    for (const [hour, logIndexes] of split) {
      add(byHour, hour, { groupIndex, group, logIndexes, logCount: logIndexes.length });
    }
  });
  return [...byHour.values()].sort((a, b) => a.hour - b.hour);
}

/** The slice's Log objects (decoding the group's logs if they are still encoded). */
export function sliceLogs(slice: PartitionSlice): readonly Log[] {
  const logs = slice.group.logs;
  return slice.logIndexes === undefined ? logs : slice.logIndexes.map((i) => logs[i]!);
}

/** The slice's log indexes in the group, in order. */
export function sliceLogIndexes(slice: PartitionSlice): Iterable<number> {
  return slice.logIndexes ?? Array.from({ length: slice.logCount }, (_, i) => i);
}

function add(byHour: Map<number, MutablePartition>, hour: number, slice: PartitionSlice): void {
  let partition = byHour.get(hour);
  if (partition === undefined) {
    partition = { hour, slices: [], logCount: 0, minTime: Number.POSITIVE_INFINITY, maxTime: -1 };
    byHour.set(hour, partition);
  }
  partition.slices.push(slice);
  partition.logCount += slice.logCount;
  for (const i of sliceLogIndexes(slice)) {
    const time = logTime(slice.group, i);
    if (time < partition.minTime) partition.minTime = time;
    if (time > partition.maxTime) partition.maxTime = time;
  }
}

function hourOf(group: LogGroup, groupIndex: number, logIndex: number): number {
  const time = logTime(group, logIndex);
  if (!Number.isInteger(time) || time < 0 || time > UINT32_MAX) {
    throw new EncodeError(
      `logGroups[${groupIndex}].logs[${logIndex}].time`,
      `expected Unix seconds in 0..${UINT32_MAX}, got ${String(time)}`,
    );
  }
  return Math.floor(time / SECONDS_PER_HOUR);
}
