import { DecodeError } from '../errors.ts';
import { decodeLogGroup, decodeLogGroupList, LogsAs } from '../protocol/decodeLogGroup.ts';
import { logCount } from '../protocol/encodedLogs.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { ProtoReader, WireType } from '../protocol/ProtoReader.ts';

/** Which protobuf message a payload held. */
export const ProtobufShape = { logGroupList: 'protobuf', logGroup: 'protobuf-loggroup' } as const;
export type ProtobufShape = (typeof ProtobufShape)[keyof typeof ProtobufShape];

/** `LogGroupList.logGroupList` (field 1, length-delimited): the only field a list has. */
const LIST_ENTRY_TAG = (1 << 3) | WireType.lengthDelimited;

/**
 * First bytes a real LogGroupList or LogGroup starts with: field 1 (`0a`: list entries or Logs)
 * or one of LogGroup's string/tag fields 2..6, all length-delimited.
 */
export const PROTOBUF_FIRST_BYTES: ReadonlySet<number> = new Set([0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x32]);

/**
 * Decode a `LogGroupList`, or a single `LogGroup` when the payload is not a list. Every byte is
 * validated, but the groups keep their logs encoded until read (src/protocol/encodedLogs.ts): the
 * S3 JSON Lines writer never needs them as objects.
 *
 * The rule: a payload is a list when every top-level field is field 1, length-delimited, with
 * lengths that tile the payload exactly, and every entry decodes as a LogGroup. Otherwise it is
 * read as one LogGroup. Both readings cannot succeed on the same bytes unless no Log is present:
 * a list entry (a LogGroup) read as a Log has no `Time` (field 1 varint, required), and a Log read
 * as a LogGroup has its `Time` as field 1 with the wrong wire type. An empty payload is an empty
 * list. A single LogGroup without any known field is refused (random bytes that happen to parse
 * as unknown fields are not a LogGroup).
 *
 * @example
 * ```ts
 * const { groups, shape } = decodeProtobufPayload(bytes); // shape: 'protobuf' | 'protobuf-loggroup'
 * ```
 */
export function decodeProtobufPayload(bytes: Uint8Array): { groups: LogGroup[]; shape: ProtobufShape } {
  if (bytes.length === 0) return { groups: [], shape: ProtobufShape.logGroupList };
  if (!hasListShape(bytes)) return decodeSingle(bytes);
  try {
    return { groups: decodeLogGroupList(bytes, LogsAs.encoded), shape: ProtobufShape.logGroupList };
  } catch (listError) {
    if (!(listError instanceof DecodeError)) throw listError;
    try {
      return decodeSingle(bytes);
    } catch (singleError) {
      if (!(singleError instanceof DecodeError)) throw singleError;
      // Report the reading that got further into the payload: it is the likelier intent.
      throw (singleError.offset ?? -1) > (listError.offset ?? -1) ? singleError : listError;
    }
  }
}

/** True when the top level is only `0a <length> <bytes>` entries that end exactly at the end. */
export function hasListShape(bytes: Uint8Array): boolean {
  const reader = new ProtoReader(bytes);
  try {
    while (reader.pos < reader.end) {
      if (reader.tag('LogGroupList') !== LIST_ENTRY_TAG) return false;
      reader.pos = reader.delimitedEnd('LogGroupList.logGroupList');
    }
    return true;
  } catch (error) {
    if (error instanceof DecodeError) return false;
    throw error;
  }
}

function decodeSingle(bytes: Uint8Array): { groups: LogGroup[]; shape: ProtobufShape } {
  const group = decodeLogGroup(bytes, LogsAs.encoded);
  if (
    logCount(group) === 0 &&
    group.logTags.length === 0 &&
    group.topic === undefined &&
    group.source === undefined &&
    group.category === undefined &&
    group.machineUUID === undefined &&
    !hasKnownGroupField(bytes)
  ) {
    throw new DecodeError('LogGroup', 0, 'no LogGroup field found (not a LogGroupList or a LogGroup)');
  }
  return { groups: [group], shape: ProtobufShape.logGroup };
}

/** True when a top-level field is one of LogGroup's (1..6, length-delimited), even an empty one. */
function hasKnownGroupField(bytes: Uint8Array): boolean {
  const reader = new ProtoReader(bytes);
  while (reader.pos < reader.end) {
    const tag = reader.tag('LogGroup');
    const field = tag >>> 3;
    if ((tag & 7) === WireType.lengthDelimited && field >= 1 && field <= 6) return true;
    reader.skip(tag, 'LogGroup');
  }
  return false;
}
