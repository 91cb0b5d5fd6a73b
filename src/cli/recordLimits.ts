import { encodeLogGroup, encodeLogGroupList } from '../protocol/encodeLogGroup.ts';
import type { Log, LogGroup } from '../protocol/LogGroup.ts';

/**
 * Kinesis Data Streams' limit on one record: 1,048,576 bytes (1 MiB) of data blob plus partition
 * key, as PutRecord and PutRecords enforce it on a stream with the default maximum record size
 * (a stream can be raised to 10 MiB with UpdateMaxRecordSize; nothing here assumes that).
 */
export const KINESIS_MAX_RECORD_BYTES = 1_048_576;

/** Longest Kinesis partition key: 256 characters, kept free in every record `replay` makes. */
export const KINESIS_MAX_PARTITION_KEY_BYTES = 256;

/**
 * Largest SQS message body `replay` makes: 262,144 bytes (256 KiB), the limit every queue has
 * always accepted. Since August 2025 a queue may take up to 1 MiB (its `MaximumMessageSize`), but
 * a body of 256 KiB fits every queue. SQS bodies are text, so protobuf travels as base64: four
 * characters per three bytes, 196,608 bytes of protobuf at most.
 */
export const SQS_MAX_MESSAGE_BYTES = 262_144;

/**
 * Lambda's limit on a synchronous invocation's payload: 6 MB (6,291,456 bytes) of event JSON. An
 * event source mapping delivers at most this much per invocation, record metadata included.
 */
export const LAMBDA_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The largest payload (protobuf bytes, before the event's base64) one record of `source` carries. */
export function maxPayloadBytes(source: 'sqs' | 'kinesis'): number {
  return source === 'sqs'
    ? Math.floor(SQS_MAX_MESSAGE_BYTES / 4) * 3
    : KINESIS_MAX_RECORD_BYTES - KINESIS_MAX_PARTITION_KEY_BYTES;
}

/**
 * A single log that does not fit in one record even in a LogGroup of its own: no producer could
 * send it through the source. `group` and `log` count from 0.
 */
export class LogTooLargeError extends Error {
  constructor(
    readonly group: number,
    readonly log: number,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `log ${log + 1} of LogGroup ${group + 1} alone encodes to ${bytes} bytes, more than one record carries (${maxBytes} bytes)`,
    );
    this.name = 'LogTooLargeError';
  }
}

/** Bytes of a length-delimited protobuf field with a one-byte tag holding `size` bytes. */
function delimited(size: number): number {
  let varint = 1;
  for (let rest = size >>> 7; rest > 0; rest >>>= 7) varint++;
  return 1 + varint + size;
}

/**
 * Split a LogGroup whose LogGroupList entry would be over `maxBytes` into several LogGroups with
 * the same topic, source, category, machine UUID and tags, each holding a run of the logs (in
 * order) and each at most `maxBytes` as a one-entry LogGroupList. A group that fits is returned
 * as it is. Throws {@link LogTooLargeError} for a log that cannot fit even alone.
 *
 * @param index the group's position in the input, for the error message
 */
export function splitLogGroup(group: LogGroup, maxBytes: number, index = 0): LogGroup[] {
  return sizedPieces(group, maxBytes, index).map(({ piece }) => piece);
}

/** {@link splitLogGroup}, with each piece's size as a LogGroupList entry. */
function sizedPieces(group: LogGroup, maxBytes: number, index: number): { piece: LogGroup; bytes: number }[] {
  const whole = delimited(encodeLogGroup(group).length);
  if (whole <= maxBytes) return [{ piece: group, bytes: whole }];
  const shell: LogGroup = { ...group, logs: [] };
  const shellBytes = encodeLogGroup(shell).length;
  const pieces: { piece: LogGroup; bytes: number }[] = [];
  let logs: Log[] = [];
  let body = shellBytes;
  group.logs.forEach((log, i) => {
    // A log's field in its group: what a group holding only this log adds to an empty one.
    const logBytes = encodeLogGroup({ logs: [log], logTags: [] }).length;
    if (delimited(shellBytes + logBytes) > maxBytes) {
      throw new LogTooLargeError(index, i, delimited(shellBytes + logBytes), maxBytes);
    }
    if (logs.length > 0 && delimited(body + logBytes) > maxBytes) {
      pieces.push({ piece: { ...shell, logs }, bytes: delimited(body) });
      logs = [];
      body = shellBytes;
    }
    logs.push(log);
    body += logBytes;
  });
  if (logs.length > 0) pieces.push({ piece: { ...shell, logs }, bytes: delimited(body) });
  return pieces;
}

/**
 * Pack LogGroups into record payloads (LogGroupList protobuf) of at most `maxBytes` each, in
 * order: consecutive groups share a record while they fit, and a group too large for one record is
 * first split by {@link splitLogGroup}, so every log is sent exactly once.
 */
export function packRecords(groups: readonly LogGroup[], maxBytes: number): Uint8Array[] {
  const records: Uint8Array[] = [];
  let pending: LogGroup[] = [];
  let size = 0;
  groups.forEach((group, index) => {
    for (const { piece, bytes } of sizedPieces(group, maxBytes, index)) {
      if (pending.length > 0 && size + bytes > maxBytes) {
        records.push(encodeLogGroupList(pending));
        pending = [];
        size = 0;
      }
      pending.push(piece);
      size += bytes;
    }
  });
  if (pending.length > 0) records.push(encodeLogGroupList(pending));
  return records;
}
