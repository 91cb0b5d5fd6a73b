import { encodeLogGroupList } from '../../protocol/encodeLogGroup.ts';
import type { Log } from '../../protocol/LogGroup.ts';
import { logLineFormatter } from '../../protocol/logLine.ts';
import { S3Format } from './config.ts';
import type { Partition } from './partitionByHour.ts';

/** Size of the JSONL chunks handed to the compressor, in bytes: big enough for zlib, small enough to stay out of the way. */
export const JSONL_CHUNK_CHARS = 64 * 1024;

/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_CHAR = 3;

/**
 * The uncompressed body of one partition's object, as chunks, so the whole body never has to
 * exist at once (the compressor consumes them as they come).
 *
 * - `jsonl`: one shared log line (src/protocol/logLine.ts) per log, each ending in `\n`.
 * - `protobuf`: a `LogGroupList` holding, per contributing group, that group's meta and tags with
 *   only this partition's logs. Each chunk is itself a LogGroupList (one group), and concatenated
 *   LogGroupLists are one LogGroupList, so the chunks add up to a valid message.
 *
 * @example
 * ```ts
 * for (const chunk of encodePartition(partition, 'jsonl', 'shop', 'nginx')) compressor.write(chunk);
 * ```
 */
export function* encodePartition(
  partition: Partition,
  format: S3Format,
  project: string,
  logstore: string,
): Generator<Uint8Array, void, undefined> {
  if (format === S3Format.protobuf) {
    for (const { group, logs } of partition.slices) {
      yield encodeLogGroupList([{ ...group, logs: logs as Log[] }]);
    }
    return;
  }
  // Each line is written straight into the chunk's bytes: measured (BENCHMARKS.md, S3 path) at
  // half the time of concatenating a chunk's lines into one string and converting that.
  let chunk = Buffer.allocUnsafe(JSONL_CHUNK_CHARS);
  let used = 0;
  for (const { group, logs } of partition.slices) {
    const format = logLineFormatter(group, project, logstore);
    for (const log of logs) {
      const line = format(log);
      const room = line.length * MAX_UTF8_BYTES_PER_CHAR + 1;
      if (used + room > chunk.length) {
        if (used > 0) yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(Math.max(JSONL_CHUNK_CHARS, room));
        used = 0;
      }
      used += chunk.write(line, used, 'utf8');
      chunk[used++] = 0x0a;
    }
  }
  if (used > 0) yield chunk.subarray(0, used);
}
