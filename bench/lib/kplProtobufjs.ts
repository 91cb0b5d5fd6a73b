import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';

/**
 * KPL de-aggregation as a user without this project writes it, the way AWS's `aws-kinesis-agg`
 * library does: magic number check, MD5 trailer check, then the `AggregatedRecord` message
 * (amazon-kinesis-producer aggregation-format.md) decoded with protobufjs.
 */
const KPL_PROTO = `
syntax = "proto2";
message AggregatedRecord {
  repeated string partition_key_table = 1;
  repeated string explicit_hash_key_table = 2;
  repeated Record records = 3;
}
message Tag {
  required string key = 1;
  optional string value = 2;
}
message Record {
  required uint64 partition_key_index = 1;
  optional uint64 explicit_hash_key_index = 2;
  required bytes data = 3;
  repeated Tag tags = 4;
}
`;

const AggregatedRecordType = protobuf
  .parse(KPL_PROTO, { keepCase: true })
  .root.lookupType('AggregatedRecord');
const MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);
const MD5_BYTES = 16;

/** The user records' data of a KPL aggregate, or `[bytes]` when it is not one (as `aws-kinesis-agg` passes it through). */
export function deaggregateWithProtobufjs(bytes: Buffer): Uint8Array[] {
  if (bytes.length < MAGIC.length + MD5_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    return [bytes];
  const message = bytes.subarray(MAGIC.length, bytes.length - MD5_BYTES);
  const md5 = createHash('md5').update(message).digest();
  if (!md5.equals(bytes.subarray(bytes.length - MD5_BYTES))) throw new Error('KPL aggregate MD5 mismatch');
  const aggregate = AggregatedRecordType.decode(message) as unknown as { records: { data: Uint8Array }[] };
  return aggregate.records.map((record) => record.data);
}
