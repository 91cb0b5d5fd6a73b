import { encodeLogGroupList } from '../../protocol/encodeLogGroup.ts';
import type { Log } from '../../protocol/LogGroup.ts';
import { logLineFormatter } from '../../protocol/logLine.ts';
import { S3Format } from './config.ts';
import type { Partition } from './partitionByHour.ts';

/** Size the JSONL text is cut into before compression: big enough for zlib, small enough to stay out of the way. */
export const JSONL_CHUNK_CHARS = 64 * 1024;

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
  let text = '';
  for (const { group, logs } of partition.slices) {
    const format = logLineFormatter(group, project, logstore);
    for (const log of logs) {
      text += `${format(log)}\n`;
      if (text.length >= JSONL_CHUNK_CHARS) {
        yield Buffer.from(text, 'utf8');
        text = '';
      }
    }
  }
  if (text !== '') yield Buffer.from(text, 'utf8');
}
