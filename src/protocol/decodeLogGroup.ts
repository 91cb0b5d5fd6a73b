import { DecodeError } from '../errors.ts';
import { keepShapeAlive } from '../shared/keepShapeAlive.ts';
import { type EncodedLogs, encodedLogsKeeper } from './encodedLogs.ts';
import type { KeyValue, Log, LogGroup } from './LogGroup.ts';
import { LogRanges, readLogRanges } from './logRanges.ts';
import { ProtoReader } from './ProtoReader.ts';
import {
  GROUP_CATEGORY,
  GROUP_LOG_TAGS,
  GROUP_LOGS,
  GROUP_MACHINE_UUID,
  GROUP_SOURCE,
  GROUP_TOPIC,
  LIST_GROUP,
  LOG_CONTENTS,
  LOG_TIME,
  LOG_TIME_NS,
  LOG_VALUES,
  PAIR_KEY,
  PAIR_VALUE,
  skipField,
} from './slsLogsFields.ts';

/**
 * How a decoder returns each group's Logs: `decoded` as objects (the default), or `encoded`:
 * validated as strictly, but left as bytes until `group.logs` is first read (src/protocol/encodedLogs.ts).
 */
export const LogsAs = { decoded: 'decoded', encoded: 'encoded' } as const;
export type LogsAs = (typeof LogsAs)[keyof typeof LogsAs];

/**
 * Decode a `LogGroupList` (iLogtail `sls_logs` proto2) into LogGroups.
 *
 * Unknown fields of every wire type are skipped, fields may come in any order, a singular field
 * seen twice keeps its last value, the legacy `Log.values` field is ignored, and invalid UTF-8
 * decodes with U+FFFD replacement. Anything else malformed throws a {@link DecodeError} naming the
 * field and byte offset.
 *
 * @example
 * ```ts
 * const groups = decodeLogGroupList(bytes);
 * for (const group of groups) console.log(group.topic, group.logs.length);
 * ```
 */
export function decodeLogGroupList(bytes: Uint8Array, logsAs: LogsAs = LogsAs.decoded): LogGroup[] {
  const reader = new ProtoReader(bytes);
  const groups: LogGroup[] = [];
  while (reader.pos < reader.end) {
    const tag = reader.tag('LogGroupList');
    if (tag === LIST_GROUP) {
      const end = reader.delimitedEnd('LogGroupList.logGroupList');
      groups.push(readLogGroup(reader, end, logsAs));
    } else {
      skipField(reader, tag, 'LogGroupList');
    }
  }
  return groups;
}

/**
 * Decode a single serialized `LogGroup` (the message, not a list).
 *
 * @example
 * ```ts
 * const group = decodeLogGroup(bytes);
 * ```
 */
export function decodeLogGroup(bytes: Uint8Array, logsAs: LogsAs = LogsAs.decoded): LogGroup {
  const reader = new ProtoReader(bytes);
  return readLogGroup(reader, reader.end, logsAs);
}

/** Decode Logs that {@link decodeLogGroupList} left encoded (they were checked then): all, or those at `indexes`. */
export function decodeEncodedLogs(encoded: EncodedLogs, indexes?: readonly number[]): Log[] {
  const reader = new ProtoReader(encoded.bytes);
  const decode = (i: number) => decodeLogAt(reader, encoded.starts[i]!, encoded.ends[i]!);
  return indexes === undefined ? encoded.starts.map((_, i) => decode(i)) : indexes.map(decode);
}

/** Decode the one Log message in `[start, end)` of the reader's bytes. */
export function decodeLogAt(reader: ProtoReader, start: number, end: number): Log {
  reader.pos = start;
  return readLog(reader, end);
}

const encodedLogGroup = encodedLogsKeeper(decodeEncodedLogs);

/** One scratch for every check of an encoded Log: it only counts Contents, so it never grows. */
const scratch = new LogRanges(0);

function readLogGroup(reader: ProtoReader, end: number, logsAs: LogsAs): LogGroup {
  const outerEnd = reader.end;
  reader.end = end;
  // Only a group whose logs stay encoded needs these: the eager decode allocates none of them.
  const encoded = logsAs === LogsAs.encoded ? new EncodedLogsBuilder(reader.bytes) : undefined;
  // Meta strings and tag values go through the intern table: one host's groups repeat them, and a hit
  // allocates nothing. On the shape grid's 10,000 one-log records, decoding took 40–43 instead of
  // 54–57 ms (BENCHMARKS.md, issue 15).
  const group: LogGroup =
    encoded === undefined
      ? {
          logs: [],
          category: undefined,
          topic: undefined,
          source: undefined,
          machineUUID: undefined,
          logTags: [],
        }
      : encodedLogGroup(encoded.logs);
  while (reader.pos < end) {
    const tag = reader.tag('LogGroup');
    switch (tag) {
      case GROUP_LOGS: {
        const logEnd = reader.delimitedEnd('LogGroup.Logs');
        if (encoded === undefined) {
          group.logs.push(readLog(reader, logEnd));
          break;
        }
        const start = reader.pos;
        readLogRanges(reader, logEnd, scratch);
        encoded.add(start, logEnd, scratch.time);
        break;
      }
      case GROUP_CATEGORY:
        group.category = reader.internedString('LogGroup.Category') || undefined;
        break;
      case GROUP_TOPIC:
        group.topic = reader.internedString('LogGroup.Topic') || undefined;
        break;
      case GROUP_SOURCE:
        group.source = reader.internedString('LogGroup.Source') || undefined;
        break;
      case GROUP_MACHINE_UUID:
        group.machineUUID = reader.internedString('LogGroup.MachineUUID') || undefined;
        break;
      case GROUP_LOG_TAGS:
        group.logTags.push(readPair(reader, reader.delimitedEnd('LogGroup.LogTags'), 'LogTag'));
        break;
      default:
        skipField(reader, tag, 'LogGroup');
    }
  }
  reader.end = outerEnd;
  encoded?.finish();
  return group;
}

/**
 * The {@link EncodedLogs} of one group, filled Log by Log. Most groups of a batch of small records
 * hold one Log: its ranges go into one-element arrays made at the end (an array that grows by
 * `push` reserves room for 17), so such a group's arrays take a tenth of the memory.
 */
class EncodedLogsBuilder {
  readonly logs: { bytes: Uint8Array; starts: number[]; ends: number[]; times: number[] };
  #count = 0;
  #start = 0;
  #end = 0;
  #time = 0;

  constructor(bytes: Uint8Array) {
    // Empty array literals share one empty backing store: nothing to reserve until a Log comes.
    this.logs = { bytes, starts: [], ends: [], times: [] };
  }

  add(start: number, end: number, time: number): void {
    const count = this.#count++;
    if (count === 0) {
      this.#start = start;
      this.#end = end;
      this.#time = time;
      return;
    }
    const logs = this.logs;
    if (count === 1) {
      logs.starts = [this.#start];
      logs.ends = [this.#end];
      logs.times = [this.#time];
    }
    logs.starts.push(start);
    logs.ends.push(end);
    logs.times.push(time);
  }

  finish(): void {
    if (this.#count !== 1) return;
    this.logs.starts = [this.#start];
    this.logs.ends = [this.#end];
    this.logs.times = [this.#time];
  }
}

function readLog(reader: ProtoReader, end: number): Log {
  const start = reader.pos;
  const outerEnd = reader.end;
  reader.end = end;
  // A Log's contents are most of the payload: read its strings through one text window.
  reader.textWindow(start, end);
  const log: Log = { time: -1, timeNs: undefined, contents: [] };
  while (reader.pos < end) {
    const tag = reader.tag('Log');
    switch (tag) {
      case LOG_TIME:
        log.time = reader.uint32('Log.Time');
        break;
      case LOG_CONTENTS:
        log.contents.push(readPair(reader, reader.delimitedEnd('Log.Contents'), 'Log.Content'));
        break;
      case LOG_VALUES:
        // Legacy field: validated as length-delimited, never turned into contents.
        reader.pos = reader.delimitedEnd('Log.values');
        break;
      case LOG_TIME_NS:
        log.timeNs = reader.fixed32('Log.Time_ns');
        break;
      default:
        skipField(reader, tag, 'Log');
    }
  }
  if (log.time < 0) throw new DecodeError('Log.Time', start, 'required field missing');
  reader.end = outerEnd;
  return log;
}

// Field names for errors, as constants: no string is built per pair on the hot path.
const PAIR_FIELDS = {
  'Log.Content': { key: 'Log.Content.Key', value: 'Log.Content.Value' },
  LogTag: { key: 'LogTag.Key', value: 'LogTag.Value' },
} as const;

function readPair(reader: ProtoReader, end: number, message: 'Log.Content' | 'LogTag'): KeyValue {
  const names = PAIR_FIELDS[message];
  const start = reader.pos;
  const outerEnd = reader.end;
  reader.end = end;
  let key: string | undefined;
  let value: string | undefined;
  while (reader.pos < end) {
    const tag = reader.tag(message);
    if (tag === PAIR_KEY) key = reader.internedString(names.key);
    // Tag values repeat from group to group (one host's groups share all but `__pack_id__`).
    else if (tag === PAIR_VALUE)
      value = message === 'LogTag' ? reader.internedString(names.value) : reader.string(names.value);
    else skipField(reader, tag, message);
  }
  if (key === undefined) throw new DecodeError(names.key, start, 'required field missing');
  if (value === undefined) throw new DecodeError(names.value, start, 'required field missing');
  reader.end = outerEnd;
  return { key, value };
}

keepShapeAlive(encodedLogGroup(keepShapeAlive(new EncodedLogsBuilder(new Uint8Array(0))).logs));
