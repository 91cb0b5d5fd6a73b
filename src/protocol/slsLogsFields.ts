import { DecodeError } from '../errors.ts';
import { type ProtoReader, WireType } from './ProtoReader.ts';

// Tags (field << 3 | wire type) of the sls_logs schema, precomputed for the hot switch.
export const LIST_GROUP = (1 << 3) | WireType.lengthDelimited;
export const GROUP_LOGS = (1 << 3) | WireType.lengthDelimited;
export const GROUP_CATEGORY = (2 << 3) | WireType.lengthDelimited;
export const GROUP_TOPIC = (3 << 3) | WireType.lengthDelimited;
export const GROUP_SOURCE = (4 << 3) | WireType.lengthDelimited;
export const GROUP_MACHINE_UUID = (5 << 3) | WireType.lengthDelimited;
export const GROUP_LOG_TAGS = (6 << 3) | WireType.lengthDelimited;
export const LOG_TIME = (1 << 3) | WireType.varint;
export const LOG_CONTENTS = (2 << 3) | WireType.lengthDelimited;
export const LOG_VALUES = (3 << 3) | WireType.lengthDelimited;
export const LOG_TIME_NS = (4 << 3) | WireType.fixed32;
export const PAIR_KEY = (1 << 3) | WireType.lengthDelimited;
export const PAIR_VALUE = (2 << 3) | WireType.lengthDelimited;

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

/** Skip an unknown field; a known field with the wrong wire type is malformed. */
export function skipField(reader: ProtoReader, tag: number, message: string): void {
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
