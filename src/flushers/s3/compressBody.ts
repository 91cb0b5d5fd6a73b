import { createHash } from 'node:crypto';
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
 * Uncompressed bytes the encoder may run ahead of the compressor. While zlib compresses on the
 * thread pool, the next chunks are encoded on the main thread (BENCHMARKS.md, S3 path); this
 * bounds the uncompressed bytes held for it.
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
    const options = { chunkSize: COMPRESSOR_CHUNK_BYTES };
    const compressor =
      compression === S3Compression.gzip ? zlib.createGzip(options) : zlib.createZstdCompress(options);
    compressor.on('data', (chunk: Buffer) => output.push(chunk));
    const done = finished(compressor, signal === undefined ? {} : { signal });
    done.catch(() => {}); // awaited below; a failure before then must not be reported as unhandled
    // Bytes handed to zlib and not compressed yet, and a waiter for zlib to finish the next write.
    let ahead = 0;
    let wake: (() => void) | undefined;
    const wakeUp = () => {
      const waiter = wake;
      wake = undefined;
      waiter?.();
    };
    compressor.on('close', wakeUp);
    signal?.addEventListener('abort', wakeUp);
    try {
      for (const chunk of chunks) {
        signal?.throwIfAborted();
        if (compressor.destroyed) break; // it failed: `done` says why
        hash.update(chunk);
        rawBytes += chunk.length;
        ahead += chunk.length;
        compressor.write(chunk, () => {
          ahead -= chunk.length;
          wakeUp();
        });
        // Yield after every chunk: zlib starts its next write only when the event loop runs the
        // last one's callback, so this lets compression overlap encoding.
        await setImmediate();
        // Stay at most COMPRESSOR_INPUT_AHEAD_BYTES ahead, waiting for one write at a time: waiting
        // for a full drain instead left zlib idle while the next chunk was encoded (measured).
        while (ahead > COMPRESSOR_INPUT_AHEAD_BYTES && !compressor.destroyed) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          signal?.throwIfAborted();
        }
      }
      if (!compressor.destroyed) compressor.end();
      await done;
    } catch (error) {
      compressor.destroy();
      // Every way an abort shows up (here or in `finished`) rejects with the signal's reason.
      throw signal?.aborted ? signal.reason : error;
    } finally {
      signal?.removeEventListener('abort', wakeUp);
    }
  }
  const body =
    output.length === 1 && Buffer.isBuffer(output[0]) ? output[0] : Buffer.concat(output as Uint8Array[]);
  return { body, rawBytes, contentSha256: hash.digest('hex') };
}
