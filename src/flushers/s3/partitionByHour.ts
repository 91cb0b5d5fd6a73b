import { EncodeError } from '../../errors.ts';
import { decodeEncodedLogs } from '../../protocol/decodeLogGroup.ts';
import { type EncodedLogs, encodedLogs } from '../../protocol/encodedLogs.ts';
import { type Log, type LogGroup, UINT32_MAX } from '../../protocol/LogGroup.ts';

/** Seconds in one partition: objects are partitioned by UTC hour of log time. */
export const SECONDS_PER_HOUR = 3600;

/** The logs one LogGroup contributes to one partition, with the group they keep their meta and tags from. */
export interface PartitionSlice {
  /** Index of the group in the flushed `logGroups` (ties the slice to `recordIds[groupIndex]`). */
  readonly groupIndex: number;
  readonly group: LogGroup;
  readonly logCount: number;
  /**
   * The slice's logs as they were when partitioned, so later changes to `group.logs` cannot mix
   * partitions up: Log objects (the group's own array when all its logs are in this hour), or,
   * for a group whose logs were still protobuf bytes, those bytes and which of them.
   */
  readonly logs: readonly Log[] | undefined;
  readonly encoded: EncodedLogs | undefined;
  /** With `encoded`: indexes of the slice's logs, ascending; `undefined` for all of them. */
  readonly logIndexes: readonly number[] | undefined;
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
    const encoded = encodedLogs(group);
    const logs = encoded === undefined ? group.logs : undefined;
    const times = encoded?.times ?? logs!.map((log) => log.time);
    if (times.length === 0) return;
    const hours = times.map((time, logIndex) => hourOf(time, groupIndex, logIndex));
    if (hours.every((hour) => hour === hours[0])) {
      add(
        byHour,
        hours[0]!,
        { groupIndex, group, logCount: times.length, logs, encoded, logIndexes: undefined },
        times,
      );
      return;
    }
    const split = new Map<number, number[]>();
    hours.forEach((hour, i) => {
      const indexes = split.get(hour);
      if (indexes === undefined) split.set(hour, [i]);
      else indexes.push(i);
    });
    for (const [hour, indexes] of split) {
      const slice =
        encoded === undefined
          ? { logs: indexes.map((i) => logs![i]!), encoded, logIndexes: undefined }
          : { logs: undefined, encoded, logIndexes: indexes };
      add(
        byHour,
        hour,
        { groupIndex, group, logCount: indexes.length, ...slice },
        indexes.map((i) => times[i]!),
      );
    }
  });
  return [...byHour.values()].sort((a, b) => a.hour - b.hour);
}

/** The slice's Log objects (decoded from its bytes when it has them; the group is left as it is). */
export function sliceLogs(slice: PartitionSlice): readonly Log[] {
  return slice.logs ?? decodeEncodedLogs(slice.encoded!, slice.logIndexes);
}

/** The indexes of an encoded slice's logs among its bytes' logs, in order. */
export function sliceLogIndexes(slice: PartitionSlice): Iterable<number> {
  return slice.logIndexes ?? Array.from({ length: slice.logCount }, (_, i) => i);
}

function add(
  byHour: Map<number, MutablePartition>,
  hour: number,
  slice: PartitionSlice,
  times: readonly number[],
): void {
  let partition = byHour.get(hour);
  if (partition === undefined) {
    partition = { hour, slices: [], logCount: 0, minTime: Number.POSITIVE_INFINITY, maxTime: -1 };
    byHour.set(hour, partition);
  }
  partition.slices.push(slice);
  partition.logCount += slice.logCount;
  for (const time of times) {
    if (time < partition.minTime) partition.minTime = time;
    if (time > partition.maxTime) partition.maxTime = time;
  }
}

function hourOf(time: number, groupIndex: number, logIndex: number): number {
  if (!Number.isInteger(time) || time < 0 || time > UINT32_MAX) {
    throw new EncodeError(
      `logGroups[${groupIndex}].logs[${logIndex}].time`,
      `expected Unix seconds in 0..${UINT32_MAX}, got ${String(time)}`,
    );
  }
  return Math.floor(time / SECONDS_PER_HOUR);
}
