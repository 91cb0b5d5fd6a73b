import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
// A namespace import: on a Node.js without zstd a named import would fail at load time, not at config time.
import * as zlib from 'node:zlib';
import { S3Compression } from './config.ts';

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
 * Size of the compressor's output buffer (zlib's `chunkSize`; its default is 16 KiB). Each time
 * it fills, the thread-pool work stops for a round trip through the event loop: with 256 KiB,
 * gzipping the S3 benchmark's 6 MB JSONL body took 6–7 % less CPU and fewer main-thread
 * callbacks (BENCHMARKS.md, S3 path). The compressed bytes are the same.
 */
export const COMPRESSOR_CHUNK_BYTES = 256 * 1024;

/**
 * Uncompressed bytes the encoder may run ahead of the compressor (the compressor's
 * `writableHighWaterMark`). While zlib compresses one chunk on the thread pool, the next ones are
 * encoded on the main thread; measured on the S3 benchmark (BENCHMARKS.md).
 */
export const COMPRESSOR_INPUT_AHEAD_BYTES = 1024 * 1024;

/**
 * Compress a body given as chunks, hashing the uncompressed bytes on the way. gzip and zstd run
 * as zlib streams, so compression happens on libuv's thread pool while the next chunks are being
 * encoded, and only the compressed output is ever held whole.
 *
 * @example
 * ```ts
 * const { body, contentSha256 } = await compressBody(encodePartition(partition, 'jsonl', p, s), 'gzip', signal);
 * ```
 */
/** Uncompressed bytes encoded between two yields to the event loop (about 10 ms of work). */
const YIELD_EVERY_BYTES = 1024 * 1024;

export async function compressBody(
  chunks: Iterable<Uint8Array>,
  compression: S3Compression,
  signal?: AbortSignal,
): Promise<CompressedBody> {
  const hash = createHash('sha256');
  let rawBytes = 0;
  const output: Uint8Array[] = [];
  if (compression === S3Compression.none) {
    let sinceYield = 0;
    for (const chunk of chunks) {
      signal?.throwIfAborted();
      hash.update(chunk);
      rawBytes += chunk.length;
      output.push(chunk);
      // Encoding a large partition is CPU-bound: yield now and then so a deadline timer or the
      // SIGTERM hook is not held back for hundreds of milliseconds (measured in test/trials).
      sinceYield += chunk.length;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0;
        await setImmediate();
      }
    }
  } else {
    const options = {
      chunkSize: COMPRESSOR_CHUNK_BYTES,
      writableHighWaterMark: COMPRESSOR_INPUT_AHEAD_BYTES,
    };
    const compressor =
      compression === S3Compression.gzip ? zlib.createGzip(options) : zlib.createZstdCompress(options);
    compressor.on('data', (chunk: Buffer) => output.push(chunk));
    const done = finished(compressor);
    done.catch(() => {}); // awaited below; a failure before then must not be reported as unhandled
    try {
      for (const chunk of chunks) {
        signal?.throwIfAborted();
        if (compressor.destroyed) break; // it failed: `done` says why
        hash.update(chunk);
        rawBytes += chunk.length;
        // Yield after every chunk: zlib's thread-pool work on one chunk only starts the next
        // when the event loop runs its callback, so this lets compression overlap encoding.
        if (compressor.write(chunk)) await setImmediate();
        else await once(compressor, 'drain', signal === undefined ? {} : { signal });
      }
      compressor.end();
      await done;
    } catch (error) {
      compressor.destroy();
      throw error;
    }
  }
  const body =
    output.length === 1 && Buffer.isBuffer(output[0]) ? output[0] : Buffer.concat(output as Uint8Array[]);
  return { body, rawBytes, contentSha256: hash.digest('hex') };
}
