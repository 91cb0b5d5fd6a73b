import { EncodedLogLineWriter } from '../../protocol/EncodedLogLineWriter.ts';
import { encodeLogGroupList } from '../../protocol/encodeLogGroup.ts';
import type { Log } from '../../protocol/LogGroup.ts';
import { logLineFormatter, MAX_UTF8_BYTES_PER_CHAR } from '../../protocol/logLine.ts';
import { keepShapeAlive } from '../../shared/keepShapeAlive.ts';
import { S3Format } from './config.ts';
import { type Partition, sliceLogs } from './partitionByHour.ts';

/**
 * Size of the JSONL chunks handed to the compressor, in bytes. Each chunk is one zlib write, a
 * round trip between the thread pool and the event loop: 256 KB chunks gzipped the S3
 * benchmark's body faster than 64 KB ones (64.4 vs 67.3 ms, BENCHMARKS.md) without the copies
 * of gathering small chunks into larger writes, which cost memory.
 */
export const JSONL_CHUNK_CHARS = 256 * 1024;

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
    for (const slice of partition.slices) {
      yield encodeLogGroupList([{ ...slice.group, logs: sliceLogs(slice) as Log[] }]);
    }
    return;
  }
  // Each line is written straight into the chunk's bytes: measured (BENCHMARKS.md, S3 path) at
  // half the time of concatenating a chunk's lines into one string and converting that.
  const out = new ChunkedOutput(JSONL_CHUNK_CHARS);
  // One writer for the partition's groups: it keeps what it learned of their key order.
  let writer: EncodedLogLineWriter | undefined;
  for (const slice of partition.slices) {
    const encoded = slice.encoded;
    if (encoded !== undefined) {
      // Logs still encoded are transcoded from their bytes: the same lines, without decoding them.
      if (writer === undefined) writer = new EncodedLogLineWriter(slice.group, encoded, project, logstore);
      else writer.reset(slice.group, encoded);
      // An index loop, not sliceLogIndexes(): no array of indexes per group.
      const indexes = slice.logIndexes;
      for (let i = 0; i < slice.logCount; i++) {
        const index = indexes === undefined ? i : indexes[i]!;
        const room = writer.maxBytes(index);
        // A large log (over about 40 KB) is formatted first: its bound, six times its size, would
        // be a wasteful buffer to reserve for a line usually about as long as the log.
        const inPlace = room <= JSONL_CHUNK_CHARS;
        const full = inPlace ? out.reserve(room) : out.writeLine(writer.formatted(index));
        if (full !== undefined) yield full;
        if (inPlace) out.used = writer.write(index, out.chunk, out.used);
      }
      continue;
    }
    const format = logLineFormatter(slice.group, project, logstore);
    for (const log of sliceLogs(slice)) {
      const full = out.writeLine(format(log));
      if (full !== undefined) yield full;
    }
  }
  const last = out.take();
  if (last !== undefined) yield last;
}

/** The chunk being filled, and a new one when the next line would not fit. */
class ChunkedOutput {
  chunk: Buffer;
  used = 0;
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
    this.chunk = Buffer.allocUnsafe(size);
  }

  /** Make room for `bytes` more; returns the filled part of the chunk this replaced, if any. */
  reserve(bytes: number): Buffer | undefined {
    if (this.used + bytes <= this.chunk.length) return undefined;
    const full = this.take();
    this.chunk = Buffer.allocUnsafe(Math.max(this.#size, bytes));
    return full;
  }

  /** Write `line` and its newline; returns the filled part of the chunk this replaced, if any. */
  writeLine(line: string): Buffer | undefined {
    const full = this.reserve(line.length * MAX_UTF8_BYTES_PER_CHAR + 1);
    this.used += this.chunk.write(line, this.used, 'utf8');
    this.chunk[this.used++] = 0x0a;
    return full;
  }

  /** The filled part of the chunk, if any; the chunk must not be written to after this. */
  take(): Buffer | undefined {
    const full = this.used > 0 ? this.chunk.subarray(0, this.used) : undefined;
    this.used = 0;
    return full;
  }
}

keepShapeAlive(new ChunkedOutput(0));
