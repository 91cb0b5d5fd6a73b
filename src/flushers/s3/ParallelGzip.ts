import { setImmediate } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import { bufferView } from '../../shared/bufferView.ts';
import { Wakeup } from '../../shared/Wakeup.ts';
import type { BodyCompressor } from './BodyCompressor.ts';

/**
 * Uncompressed bytes per deflate job. Chunks are gathered (copied) until a segment holds at least
 * this much; the JSON Lines encoder's chunks (256 KB) are segments on their own, without copies.
 * As pigz's default block (128 KiB), it costs about 0.04 % of compressed size (BENCHMARKS.md).
 */
export const GZIP_SEGMENT_BYTES = 128 * 1024;

/**
 * Largest piece of one chunk in a deflate job: a bigger chunk (a long log line, a protobuf
 * group's slice) is cut into pieces of this size without copying, so every job stays short: an
 * abort waits for the jobs in flight, and the work spreads over the pool's threads. The JSON Lines
 * encoder's chunks (at most 256 KiB) are never cut.
 */
const SEGMENT_PIECE_MAX_BYTES = 256 * 1024;

/**
 * Output buffer of one deflate job (zlib's `chunkSize`). Log text compresses 5–10×, so a 128–256
 * KB segment's output fits in one; incompressible input takes a few round trips instead.
 */
const DEFLATE_OUTPUT_BYTES = 64 * 1024;

/** Deflate's window (RFC 1951): a back-reference reaches at most this far back. */
const DEFLATE_WINDOW_BYTES = 32 * 1024;

/**
 * RFC 1952 member header as node's zlib writes it at the default level: ID1 ID2, CM = 8 (deflate),
 * FLG = 0, MTIME = 0, XFL = 0, OS = 3 (Unix).
 */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);

/** One segment's raw deflate output, on libuv's thread pool. */
function deflateSegment(segment: Buffer, options: zlib.ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.deflateRaw(segment, options, (error, output) => {
      if (error) reject(error);
      // The output may be a small view of zlib's output buffer: copy it so that buffer is freed
      // now, not when the whole body is.
      else resolve(output.buffer.byteLength > 2 * output.length ? Buffer.from(output) : output);
    });
  });
}

/**
 * A gzip body compressed on several thread-pool threads at once, as pigz does: the input is cut
 * into segments, each deflated on its own with the previous segment's last 32 KiB as its
 * dictionary (so matches across the cut are kept) and ended with a sync flush (a byte boundary,
 * no final block); only the last segment finishes the stream. The segments' outputs, in order,
 * are one deflate stream: with a header and the CRC-32 and size of the whole input it is one
 * ordinary gzip member (RFC 1952) that every gunzip reads. One zlib stream on one thread took
 * 10–15 % longer than `gzipSync` on the S3 benchmark's body; two threads cut the object's build
 * time by a third (BENCHMARKS.md, S3 path).
 *
 * Holds at most `aheadBytes` of input in deflate jobs, plus less than one segment being gathered.
 *
 * @example
 * ```ts
 * const gzip = new ParallelGzip(1 << 20);
 * for (const chunk of chunks) await gzip.write(chunk);
 * const body = await gzip.end();
 * ```
 */
export class ParallelGzip implements BodyCompressor {
  readonly #aheadBytes: number;
  readonly #signal: AbortSignal | undefined;
  readonly #parts: Promise<Buffer>[] = [];
  #gathered: Uint8Array[] = [];
  #gatheredBytes = 0;
  #dictionary: Buffer | undefined;
  #crc = 0;
  #size = 0;
  /** Bytes handed to deflate jobs that have not finished yet. */
  #inFlight = 0;
  #failure: { error: unknown } | undefined;
  readonly #wakeup = new Wakeup();

  constructor(aheadBytes: number, signal?: AbortSignal) {
    this.#aheadBytes = aheadBytes;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#wakeup.wake);
  }

  async write(chunk: Uint8Array): Promise<void> {
    for (let at = 0; at < chunk.length; at += SEGMENT_PIECE_MAX_BYTES) {
      this.#signal?.throwIfAborted();
      if (this.#failure !== undefined) throw this.#failure.error;
      const piece = chunk.subarray(at, at + SEGMENT_PIECE_MAX_BYTES);
      this.#crc = zlib.crc32(piece, this.#crc);
      this.#size += piece.length;
      this.#gathered.push(piece);
      this.#gatheredBytes += piece.length;
      if (this.#gatheredBytes < GZIP_SEGMENT_BYTES) continue;
      this.#deflate(zlib.constants.Z_SYNC_FLUSH);
      // Jobs finish on the thread pool; their callbacks (which free room) run only when the event
      // loop does, and so does a deadline timer: yield once per segment.
      await setImmediate();
      await this.#waitUntilInFlight(this.#aheadBytes);
    }
  }

  async end(): Promise<Buffer> {
    this.#deflate(zlib.constants.Z_FINISH);
    await this.#waitUntilInFlight(0);
    this.#release();
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(this.#crc, 0);
    trailer.writeUInt32LE(this.#size % 2 ** 32, 4); // ISIZE: the input's size modulo 2^32
    return Buffer.concat([GZIP_HEADER, ...(await Promise.all(this.#parts)), trailer]);
  }

  async destroy(): Promise<void> {
    this.#gathered = [];
    this.#release();
    // Thread-pool jobs cannot be cancelled: wait for them (at most `aheadBytes` of work) so none
    // outlives the flush that started it.
    await Promise.allSettled(this.#parts);
  }

  #deflate(flush: number): void {
    const segment =
      this.#gathered.length === 1 ? bufferView(this.#gathered[0]!) : Buffer.concat(this.#gathered);
    this.#gathered = [];
    this.#gatheredBytes = 0;
    const options: zlib.ZlibOptions = { finishFlush: flush, chunkSize: DEFLATE_OUTPUT_BYTES };
    if (this.#dictionary !== undefined) options.dictionary = this.#dictionary;
    this.#inFlight += segment.length;
    const part = deflateSegment(segment, options);
    part.then(
      () => this.#settled(segment.length),
      (error: unknown) => {
        this.#failure ??= { error };
        this.#settled(segment.length);
      },
    );
    this.#parts.push(part);
    // A copy: a view would keep the whole segment (perhaps the caller's large chunk) alive.
    this.#dictionary = Buffer.from(segment.subarray(Math.max(0, segment.length - DEFLATE_WINDOW_BYTES)));
  }

  #settled(bytes: number): void {
    this.#inFlight -= bytes;
    this.#wakeup.wake();
  }

  /** Wait until at most `bytes` are in flight; throws on abort or on a job's failure. */
  async #waitUntilInFlight(bytes: number): Promise<void> {
    for (;;) {
      this.#signal?.throwIfAborted();
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#inFlight <= bytes) return;
      await this.#wakeup.wait();
    }
  }

  #release(): void {
    this.#signal?.removeEventListener('abort', this.#wakeup.wake);
  }
}
