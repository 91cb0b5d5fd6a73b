import { EncodeError } from '../../errors.ts';
import { decodeEncodedLogs } from '../../protocol/decodeLogGroup.ts';
import { type EncodedLogs, encodedLogs } from '../../protocol/encodedLogs.ts';
import { type Log, type LogGroup, UINT32_MAX } from '../../protocol/LogGroup.ts';
import type { KeyRoute, KeyTemplate } from './keyTemplate.ts';

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

/** Everything one object will hold: the logs of one UTC hour (and key folder), in input order. */
export interface Partition {
  /** Hours since the Unix epoch (`Math.floor(time / 3600)`). */
  readonly hour: number;
  /** The key template rendered for these logs (`''` when partitioned without one). */
  readonly folder: string;
  readonly slices: readonly PartitionSlice[];
  readonly logCount: number;
  /** Earliest and latest `Log.time` (seconds) in the partition. */
  readonly minTime: number;
  readonly maxTime: number;
}

interface MutablePartition {
  hour: number;
  folder: string;
  slices: PartitionSlice[];
  logCount: number;
  minTime: number;
  maxTime: number;
}

/** How a flush's partitions are told apart beyond the hour: by the folder its key template renders. */
export interface PartitionFolders {
  readonly template: KeyTemplate;
  readonly route: KeyRoute;
  /**
   * Distinct values of the template's group and log fields one flush keeps apart. Logs with
   * further values go to their hour's overflow partition, where those fields render as `~other`.
   */
  readonly maxValues: number;
}

/**
 * Split LogGroups into one partition per UTC hour of log time and, with `folders`, per folder the
 * key template renders for them, sorted by hour (partitions of one hour in order of appearance).
 * Every log lands in exactly one partition; groups keep their order, and logs their order within
 * a group. Groups without logs contribute nothing. Pure: no I/O, no clock; logs left encoded stay
 * encoded (their contents are decoded on the side when the template reads them).
 *
 * @example
 * ```ts
 * const partitions = partitionByHour(logGroups);
 * // partitions[0].hour * 3600 is the start of the earliest hour, in Unix seconds
 * ```
 */
export function partitionByHour(groups: readonly LogGroup[], folders?: PartitionFolders): Partition[] {
  const byKey = new Map<string, MutablePartition>();
  const valuesOf = distinctValues(folders);
  const level = folders?.template.level ?? 'hour';
  // The usual group has all its logs in one hour: its slice goes straight to that hour's
  // partition, found without building a key per log (the shape grid's batches of one-log groups
  // measured the per-log keys, closures and index arrays: BENCHMARKS.md, issue 15).
  let last: { hour: number; values: string; partition: MutablePartition } | undefined;
  // A loop, not a closure made per call (see keepShapeAlive.ts).
  for (let groupIndex = 0; groupIndex < groups.length; groupIndex++) {
    const group = groups[groupIndex]!;
    const encoded = encodedLogs(group);
    const logs = encoded === undefined ? group.logs : undefined;
    const times = encoded?.times ?? logs!.map((log) => log.time);
    if (times.length === 0) continue;
    const groupValues = level === 'group' ? valuesOf(group, undefined) : '';
    if (level !== 'log') {
      const hour = commonHour(times, groupIndex);
      if (hour !== undefined) {
        if (last === undefined || last.hour !== hour || last.values !== groupValues) {
          last = { hour, values: groupValues, partition: partitionFor(byKey, hour, groupValues, folders) };
        }
        addSlice(
          last.partition,
          { groupIndex, group, logCount: times.length, logs, encoded, logIndexes: undefined },
          times,
        );
        continue;
      }
    }
    const hours = times.map((time, logIndex) => hourOf(time, groupIndex, logIndex));
    const perLog =
      level === 'log'
        ? (logs ?? decodeEncodedLogs(encoded!)).map((log) => valuesOf(group, log.contents))
        : undefined;
    const split = new Map<string, { hour: number; values: string; indexes: number[] }>();
    hours.forEach((hour, i) => {
      const values = perLog?.[i] ?? groupValues;
      const key = `${hour}/${values}`;
      const entry = split.get(key);
      if (entry === undefined) split.set(key, { hour, values, indexes: [i] });
      else entry.indexes.push(i);
    });
    for (const { hour, values, indexes } of split.values()) {
      const partition = partitionFor(byKey, hour, values, folders);
      const all = indexes.length === times.length;
      const slice = all
        ? { logs, encoded, logIndexes: undefined }
        : encoded === undefined
          ? { logs: indexes.map((i) => logs![i]!), encoded, logIndexes: undefined }
          : { logs: undefined, encoded, logIndexes: indexes };
      addSlice(
        partition,
        { groupIndex, group, logCount: indexes.length, ...slice },
        indexes.map((i) => times[i]!),
      );
    }
  }
  return [...byKey.values()].sort((a, b) => a.hour - b.hour);
}

/** The hour of every one of `times` when they share one, else `undefined`; throws on an invalid time. */
function commonHour(times: readonly number[], groupIndex: number): number | undefined {
  const hour = hourOf(times[0]!, groupIndex, 0);
  let common = true;
  for (let i = 1; i < times.length; i++) if (hourOf(times[i]!, groupIndex, i) !== hour) common = false;
  return common ? hour : undefined;
}

/** The template's values of a group or log, the overflow values once `maxValues` distinct ones were seen. */
function distinctValues(folders: PartitionFolders | undefined) {
  const seen = new Set<string>();
  return (group: LogGroup, contents: Log['contents'] | undefined): string => {
    const values = folders!.template.values(group, contents);
    if (seen.has(values)) return values;
    if (seen.size >= folders!.maxValues) return folders!.template.overflowValues;
    seen.add(values);
    return values;
  };
}

/** The slice's Log objects (decoded from its bytes when it has them; the group is left as it is). */
export function sliceLogs(slice: PartitionSlice): readonly Log[] {
  return slice.logs ?? decodeEncodedLogs(slice.encoded!, slice.logIndexes);
}

/** The indexes of an encoded slice's logs among its bytes' logs, in order. */
export function sliceLogIndexes(slice: PartitionSlice): Iterable<number> {
  return slice.logIndexes ?? Array.from({ length: slice.logCount }, (_, i) => i);
}

/** The partition of `hour` and template `values`, created (its folder rendered) on first use. */
function partitionFor(
  byKey: Map<string, MutablePartition>,
  hour: number,
  values: string,
  folders: PartitionFolders | undefined,
): MutablePartition {
  const key = `${hour}/${values}`;
  let partition = byKey.get(key);
  if (partition === undefined) {
    partition = {
      hour,
      folder: folders?.template.render(folders.route, hour, values) ?? '',
      slices: [],
      logCount: 0,
      minTime: Number.POSITIVE_INFINITY,
      maxTime: -1,
    };
    byKey.set(key, partition);
  }
  return partition;
}

function addSlice(partition: MutablePartition, slice: PartitionSlice, times: readonly number[]): void {
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
