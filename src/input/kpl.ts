import { createHash } from 'node:crypto';
import { ChecksumError, DecodeError } from '../errors.ts';
import { ProtoReader, WireType } from '../protocol/ProtoReader.ts';

/** First four bytes of a KPL aggregated record (amazon-kinesis-producer aggregation-format.md). */
export const KPL_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
/** Length of the MD5 trailer computed over the protobuf `AggregatedRecord` between magic and trailer. */
const MD5_BYTES = 16;

// Tags (field << 3 | wire type) of the `AggregatedRecord` schema.
const PARTITION_KEY = (1 << 3) | WireType.lengthDelimited;
const EXPLICIT_HASH_KEY = (2 << 3) | WireType.lengthDelimited;
const RECORD = (3 << 3) | WireType.lengthDelimited;
const RECORD_PARTITION_KEY_INDEX = (1 << 3) | WireType.varint;
const RECORD_EXPLICIT_HASH_KEY_INDEX = (2 << 3) | WireType.varint;
const RECORD_DATA = (3 << 3) | WireType.lengthDelimited;
const RECORD_TAG = (4 << 3) | WireType.lengthDelimited;
const TAG_KEY = (1 << 3) | WireType.lengthDelimited;
const TAG_VALUE = (2 << 3) | WireType.lengthDelimited;

const FIELD_NAMES: Record<string, readonly string[]> = {
  AggregatedRecord: ['', 'partition_key_table', 'explicit_hash_key_table', 'records'],
  Record: ['', 'partition_key_index', 'explicit_hash_key_index', 'data', 'tags'],
  Tag: ['', 'key', 'value'],
};

interface UserRecord {
  partitionKeyIndex: number;
  partitionKeyIndexAt: number;
  explicitHashKeyIndex: number | undefined;
  data: Uint8Array;
}

/**
 * True when a Kinesis record's data starts with the KPL magic `F3 89 9A C2`. Such a record is an
 * aggregate: pass it to {@link deaggregateKpl}, then decode each user record on its own.
 *
 * @example
 * ```ts
 * const payloads = isKplAggregate(data) ? deaggregateKpl(data) : [data];
 * ```
 */
export function isKplAggregate(bytes: Uint8Array): boolean {
  return (
    bytes.length >= KPL_MAGIC.length &&
    bytes[0] === KPL_MAGIC[0] &&
    bytes[1] === KPL_MAGIC[1] &&
    bytes[2] === KPL_MAGIC[2] &&
    bytes[3] === KPL_MAGIC[3]
  );
}

/**
 * De-aggregate a KPL aggregated record: check the MD5 trailer ({@link ChecksumError}), parse the
 * protobuf `AggregatedRecord` (proto2; {@link DecodeError} with the byte offset into `bytes` on
 * anything malformed, a missing required field, or a key index outside its table) and return each
 * user record's `data`, in order, as views into `bytes` (no copy). Partition keys, explicit hash
 * keys and tags are validated but not returned.
 *
 * @example
 * ```ts
 * for (const data of deaggregateKpl(record.kinesis.data)) decodePayload(data, options);
 * ```
 */
export function deaggregateKpl(bytes: Uint8Array): Uint8Array[] {
  if (!isKplAggregate(bytes)) throw new DecodeError('KPL', 0, 'missing the magic number F3 89 9A C2');
  const end = bytes.length - MD5_BYTES;
  if (end < KPL_MAGIC.length) {
    throw new DecodeError('KPL', bytes.length, `too short for the ${MD5_BYTES}-byte MD5 trailer`);
  }
  const expected = bytes.subarray(end);
  const actual = createHash('md5').update(bytes.subarray(KPL_MAGIC.length, end)).digest();
  if (!actual.equals(expected)) {
    throw new ChecksumError(
      `KPL aggregate MD5 mismatch: trailer ${Buffer.from(expected).toString('hex')}, computed ${actual.toString('hex')}`,
    );
  }
  const reader = new ProtoReader(bytes, KPL_MAGIC.length, end);
  let partitionKeys = 0;
  let explicitHashKeys = 0;
  const records: UserRecord[] = [];
  while (reader.pos < reader.end) {
    const tag = reader.tag('AggregatedRecord');
    if (tag === PARTITION_KEY) {
      reader.pos = reader.delimitedEnd('AggregatedRecord.partition_key_table');
      partitionKeys++;
    } else if (tag === EXPLICIT_HASH_KEY) {
      reader.pos = reader.delimitedEnd('AggregatedRecord.explicit_hash_key_table');
      explicitHashKeys++;
    } else if (tag === RECORD) {
      records.push(readRecord(reader, bytes, reader.delimitedEnd('AggregatedRecord.records')));
    } else {
      skipField(reader, tag, 'AggregatedRecord');
    }
  }
  return records.map((record, i) => {
    if (record.partitionKeyIndex >= partitionKeys) {
      throw new DecodeError(
        `AggregatedRecord.records[${i}].partition_key_index`,
        record.partitionKeyIndexAt,
        `index ${record.partitionKeyIndex} outside the ${partitionKeys}-entry partition key table`,
      );
    }
    if (record.explicitHashKeyIndex !== undefined && record.explicitHashKeyIndex >= explicitHashKeys) {
      throw new DecodeError(
        `AggregatedRecord.records[${i}].explicit_hash_key_index`,
        undefined,
        `index ${record.explicitHashKeyIndex} outside the ${explicitHashKeys}-entry explicit hash key table`,
      );
    }
    return record.data;
  });
}

function readRecord(reader: ProtoReader, bytes: Uint8Array, end: number): UserRecord {
  const start = reader.pos;
  const outerEnd = reader.end;
  reader.end = end;
  let partitionKeyIndex: number | undefined;
  let partitionKeyIndexAt = start;
  let explicitHashKeyIndex: number | undefined;
  let data: Uint8Array | undefined;
  while (reader.pos < end) {
    const tag = reader.tag('Record');
    switch (tag) {
      case RECORD_PARTITION_KEY_INDEX:
        partitionKeyIndexAt = reader.pos;
        partitionKeyIndex = readIndex(reader, bytes, 'Record.partition_key_index');
        break;
      case RECORD_EXPLICIT_HASH_KEY_INDEX:
        explicitHashKeyIndex = readIndex(reader, bytes, 'Record.explicit_hash_key_index');
        break;
      case RECORD_DATA: {
        const dataEnd = reader.delimitedEnd('Record.data');
        data = bytes.subarray(reader.pos, dataEnd);
        reader.pos = dataEnd;
        break;
      }
      case RECORD_TAG:
        readTag(reader, reader.delimitedEnd('Record.tags'));
        break;
      default:
        skipField(reader, tag, 'Record');
    }
  }
  if (partitionKeyIndex === undefined) {
    throw new DecodeError('Record.partition_key_index', start, 'required field missing');
  }
  if (data === undefined) throw new DecodeError('Record.data', start, 'required field missing');
  reader.end = outerEnd;
  return { partitionKeyIndex, partitionKeyIndexAt, explicitHashKeyIndex, data };
}

function readTag(reader: ProtoReader, end: number): void {
  const start = reader.pos;
  const outerEnd = reader.end;
  reader.end = end;
  let hasKey = false;
  while (reader.pos < end) {
    const tag = reader.tag('Tag');
    if (tag === TAG_KEY) {
      reader.pos = reader.delimitedEnd('Tag.key');
      hasKey = true;
    } else if (tag === TAG_VALUE) {
      reader.pos = reader.delimitedEnd('Tag.value');
    } else {
      skipField(reader, tag, 'Tag');
    }
  }
  if (!hasKey) throw new DecodeError('Tag.key', start, 'required field missing');
  reader.end = outerEnd;
}

/**
 * Read a uint64 table index. ProtoReader keeps the low 32 bits of a varint; an index that needs
 * more is refused rather than silently wrapped onto a valid entry.
 */
function readIndex(reader: ProtoReader, bytes: Uint8Array, field: string): number {
  const start = reader.pos;
  const value = reader.uint32(field);
  for (let i = start + 4; i < reader.pos; i++) {
    const payload = i === start + 4 ? bytes[i]! & 0x70 : bytes[i]! & 0x7f;
    if (payload !== 0) throw new DecodeError(field, start, 'index does not fit in 32 bits');
  }
  return value;
}

/** Skip an unknown field; a known field with the wrong wire type is malformed. */
function skipField(reader: ProtoReader, tag: number, message: string): void {
  const name = FIELD_NAMES[message]![tag >>> 3];
  if (name !== undefined && name !== '') {
    throw new DecodeError(`${message}.${name}`, reader.pos, `wrong wire type ${tag & 7}`);
  }
  reader.skip(tag, message);
}
