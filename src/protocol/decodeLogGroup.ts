import { DecodeError } from '../errors.ts';
import type { KeyValue, Log, LogGroup } from './LogGroup.ts';
import { ProtoReader, WireType } from './ProtoReader.ts';

// Tags (field << 3 | wire type) of the sls_logs schema, precomputed for the hot switch.
const LIST_GROUP = (1 << 3) | WireType.lengthDelimited;
const GROUP_LOGS = (1 << 3) | WireType.lengthDelimited;
const GROUP_CATEGORY = (2 << 3) | WireType.lengthDelimited;
const GROUP_TOPIC = (3 << 3) | WireType.lengthDelimited;
const GROUP_SOURCE = (4 << 3) | WireType.lengthDelimited;
const GROUP_MACHINE_UUID = (5 << 3) | WireType.lengthDelimited;
const GROUP_LOG_TAGS = (6 << 3) | WireType.lengthDelimited;
const LOG_TIME = (1 << 3) | WireType.varint;
const LOG_CONTENTS = (2 << 3) | WireType.lengthDelimited;
const LOG_VALUES = (3 << 3) | WireType.lengthDelimited;
const LOG_TIME_NS = (4 << 3) | WireType.fixed32;
const PAIR_KEY = (1 << 3) | WireType.lengthDelimited;
const PAIR_VALUE = (2 << 3) | WireType.lengthDelimited;

/** Field numbers each message knows, to tell "known field, wrong wire type" from "unknown field". */
const KNOWN_FIELDS: Record<string, readonly number[]> = {
  LogGroupList: [1],
  LogGroup: [1, 2, 3, 4, 5, 6],
  Log: [1, 2, 3, 4],
  'Log.Content': [1, 2],
  LogTag: [1, 2],
};
const FIELD_NAMES: Record<string, readonly string[]> = {
  LogGroupList: ['', 'logGroupList'],
  LogGroup: ['', 'Logs', 'Category', 'Topic', 'Source', 'MachineUUID', 'LogTags'],
  Log: ['', 'Time', 'Contents', 'values', 'Time_ns'],
  'Log.Content': ['', 'Key', 'Value'],
  LogTag: ['', 'Key', 'Value'],
};

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
export function decodeLogGroupList(bytes: Uint8Array): LogGroup[] {
  const reader = new ProtoReader(bytes);
  const groups: LogGroup[] = [];
  while (reader.pos < reader.end) {
    const tag = reader.tag('LogGroupList');
    if (tag === LIST_GROUP) {
      const end = reader.delimitedEnd('LogGroupList.logGroupList');
      groups.push(readLogGroup(reader, end));
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
export function decodeLogGroup(bytes: Uint8Array): LogGroup {
  const reader = new ProtoReader(bytes);
  return readLogGroup(reader, reader.end);
}

function readLogGroup(reader: ProtoReader, end: number): LogGroup {
  const outerEnd = reader.end;
  reader.end = end;
  const group: LogGroup = {
    logs: [],
    category: undefined,
    topic: undefined,
    source: undefined,
    machineUUID: undefined,
    logTags: [],
  };
  while (reader.pos < end) {
    const tag = reader.tag('LogGroup');
    switch (tag) {
      case GROUP_LOGS:
        group.logs.push(readLog(reader, reader.delimitedEnd('LogGroup.Logs')));
        break;
      case GROUP_CATEGORY:
        group.category = reader.string('LogGroup.Category') || undefined;
        break;
      case GROUP_TOPIC:
        group.topic = reader.string('LogGroup.Topic') || undefined;
        break;
      case GROUP_SOURCE:
        group.source = reader.string('LogGroup.Source') || undefined;
        break;
      case GROUP_MACHINE_UUID:
        group.machineUUID = reader.string('LogGroup.MachineUUID') || undefined;
        break;
      case GROUP_LOG_TAGS:
        group.logTags.push(readPair(reader, reader.delimitedEnd('LogGroup.LogTags'), 'LogTag'));
        break;
      default:
        skipField(reader, tag, 'LogGroup');
    }
  }
  reader.end = outerEnd;
  return group;
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
    else if (tag === PAIR_VALUE) value = reader.string(names.value);
    else skipField(reader, tag, message);
  }
  if (key === undefined) throw new DecodeError(names.key, start, 'required field missing');
  if (value === undefined) throw new DecodeError(names.value, start, 'required field missing');
  reader.end = outerEnd;
  return { key, value };
}

/** Skip an unknown field; a known field with the wrong wire type is malformed. */
function skipField(reader: ProtoReader, tag: number, message: string): void {
  const field = tag >>> 3;
  if (KNOWN_FIELDS[message]!.includes(field)) {
    throw new DecodeError(
      `${message}.${FIELD_NAMES[message]![field]}`,
      reader.pos,
      `wrong wire type ${tag & 7}`,
    );
  }
  reader.skip(tag, message);
}
