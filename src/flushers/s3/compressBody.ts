import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
// A namespace import: on a Node.js without zstd a named import would fail at load time, not at config time.
import * as zlib from 'node:zlib';
import type { BodyCompressor } from './BodyCompressor.ts';
import { S3Compression } from './config.ts';
import { ParallelGzip } from './ParallelGzip.ts';
import { StreamCompressor } from './StreamCompressor.ts';

/** A finished object body, with what the key and metadata need to know about its content. */
export interface CompressedBody {
  /** The bytes to upload: one Buffer, so the SDK can retry it and lib-storage can slice it without copying. */
  readonly body: Buffer;
  /** Size before compression. */
  readonly rawBytes: number;
  /** SHA-256 (hex) of the uncompressed bytes: stable across zlib versions, unlike the compressed bytes. */
  readonly contentSha256: string;
}

/**
 * Size of the zstd stream's output buffer (zlib's `chunkSize`; its default is 16 KiB). Each time
 * it fills, the thread-pool work stops for a round trip through the event loop: with 256 KiB,
 * gzipping the S3 benchmark's 6 MB JSONL body as one stream took 6–7 % less CPU and fewer
 * main-thread callbacks (BENCHMARKS.md, S3 path). The compressed bytes are the same.
 */
export const COMPRESSOR_CHUNK_BYTES = 256 * 1024;

/**
 * Uncompressed bytes the encoder may run ahead of the compressor. While zlib compresses on the
 * thread pool, the next chunks are encoded on the main thread (BENCHMARKS.md, S3 path); this
 * bounds the uncompressed bytes held for it.
 */
export const COMPRESSOR_INPUT_AHEAD_BYTES = 1024 * 1024;

/** Uncompressed bytes encoded between two yields to the event loop (about 5 ms of work). */
const YIELD_EVERY_BYTES = 1024 * 1024;

/** Keeps every chunk as it is. */
class Uncompressed implements BodyCompressor {
  readonly #chunks: Uint8Array[] = [];
  #sinceYield = 0;
  async write(chunk: Uint8Array): Promise<void> {
    this.#chunks.push(chunk);
    // Encoding a large partition is CPU-bound: yield now and then so a deadline timer or the
    // SIGTERM hook is not held back for hundreds of milliseconds (measured in test/trials). The
    // compressors yield as they hand work to the thread pool.
    this.#sinceYield += chunk.length;
    if (this.#sinceYield >= YIELD_EVERY_BYTES) {
      this.#sinceYield = 0;
      await setImmediate();
    }
  }
  async end(): Promise<Buffer> {
    const only = this.#chunks.length === 1 ? this.#chunks[0] : undefined;
    return Buffer.isBuffer(only) ? only : Buffer.concat(this.#chunks);
  }
  async destroy(): Promise<void> {}
}

function compressorFor(compression: S3Compression, signal: AbortSignal | undefined): BodyCompressor {
  switch (compression) {
    case S3Compression.gzip:
      return new ParallelGzip(COMPRESSOR_INPUT_AHEAD_BYTES, signal);
    case S3Compression.zstd:
      return new StreamCompressor(
        zlib.createZstdCompress({ chunkSize: COMPRESSOR_CHUNK_BYTES }),
        COMPRESSOR_INPUT_AHEAD_BYTES,
        signal,
      );
    case S3Compression.none:
      return new Uncompressed();
  }
}

/**
 * Compress a body given as chunks, hashing the uncompressed bytes on the way. gzip and zstd run
 * on libuv's thread pool while the next chunks are being encoded, and only the compressed output
 * is ever held whole. An abort rejects with the signal's reason; gzip first waits for its jobs in
 * flight (at most COMPRESSOR_INPUT_AHEAD_BYTES of input), zstd destroys its stream.
 *
 * @example
 * ```ts
 * const { body, contentSha256 } = await compressBody(encodePartition(partition, 'jsonl', p, s), 'gzip', signal);
 * ```
 */
export async function compressBody(
  chunks: Iterable<Uint8Array>,
  compression: S3Compression,
  signal?: AbortSignal,
): Promise<CompressedBody> {
  const hash = createHash('sha256');
  let rawBytes = 0;
  const compressor = compressorFor(compression, signal);
  try {
    for (const chunk of chunks) {
      signal?.throwIfAborted();
      hash.update(chunk);
      rawBytes += chunk.length;
      await compressor.write(chunk);
    }
    signal?.throwIfAborted();
    const body = await compressor.end();
    return { body, rawBytes, contentSha256: hash.digest('hex') };
  } catch (error) {
    await compressor.destroy();
    // Every way an abort shows up (here, in `finished`, in a wait) rejects with the signal's reason.
    throw signal?.aborted ? signal.reason : error;
  }
}
