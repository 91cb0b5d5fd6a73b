import { EncodeError } from '../../errors.ts';
import { type Log, type LogGroup, UINT32_MAX } from '../../protocol/LogGroup.ts';

/** Seconds in one partition: objects are partitioned by UTC hour of log time. */
export const SECONDS_PER_HOUR = 3600;

/** The logs one LogGroup contributes to one partition, with the group they keep their meta and tags from. */
export interface PartitionSlice {
  /** Index of the group in the flushed `logGroups` (ties the slice to `recordIds[groupIndex]`). */
  readonly groupIndex: number;
  readonly group: LogGroup;
  /** In the group's order. The group's own array when all its logs fall in this hour. */
  readonly logs: readonly Log[];
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
 * without logs contribute nothing. Pure: no I/O, no clock.
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
    const logs = group.logs;
    if (logs.length === 0) return;
    const first = hourOf(logs[0]!, groupIndex, 0);
    let single = true;
    for (let i = 1; i < logs.length && single; i++) single = hourOf(logs[i]!, groupIndex, i) === first;
    if (single) {
      add(byHour, first, { groupIndex, group, logs });
      return;
    }
    const split = new Map<number, Log[]>();
    logs.forEach((log, i) => {
      const hour = hourOf(log, groupIndex, i);
      const list = split.get(hour);
      if (list === undefined) split.set(hour, [log]);
      else list.push(log);
    });
    for (const [hour, hourLogs] of split) add(byHour, hour, { groupIndex, group, logs: hourLogs });
  });
  return [...byHour.values()].sort((a, b) => a.hour - b.hour);
}

function add(byHour: Map<number, MutablePartition>, hour: number, slice: PartitionSlice): void {
  let partition = byHour.get(hour);
  if (partition === undefined) {
    partition = { hour, slices: [], logCount: 0, minTime: Number.POSITIVE_INFINITY, maxTime: -1 };
    byHour.set(hour, partition);
  }
  partition.slices.push(slice);
  partition.logCount += slice.logs.length;
  for (const log of slice.logs) {
    if (log.time < partition.minTime) partition.minTime = log.time;
    if (log.time > partition.maxTime) partition.maxTime = log.time;
  }
}

function hourOf(log: Log, groupIndex: number, logIndex: number): number {
  const time = log.time;
  if (!Number.isInteger(time) || time < 0 || time > UINT32_MAX) {
    throw new EncodeError(
      `logGroups[${groupIndex}].logs[${logIndex}].time`,
      `expected Unix seconds in 0..${UINT32_MAX}, got ${String(time)}`,
    );
  }
  return Math.floor(time / SECONDS_PER_HOUR);
}
