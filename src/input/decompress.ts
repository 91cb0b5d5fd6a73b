import zlib from 'node:zlib';
import { DecodeError, SizeLimitError, UnsupportedFormatError } from '../errors.ts';
import { inspectZstdFrames } from './zstdFrames.ts';

/** Compressed envelopes recognised by their magic bytes. */
export const Compression = { gzip: 'gzip', zstd: 'zstd' } as const;
export type Compression = (typeof Compression)[keyof typeof Compression];

/** Smallest and largest zstd window (log2 bytes) accepted, whatever the size limit: 1 MiB .. 2 GiB. */
const MIN_WINDOW_LOG = 20;
const MAX_WINDOW_LOG = 31;

/** Which compression `bytes` starts with: gzip `1f 8b`, zstd `28 b5 2f fd`, or none. */
export function compressionOf(bytes: Uint8Array): Compression | undefined {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return Compression.gzip;
  if (bytes.length >= 4 && bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd) {
    return Compression.zstd;
  }
  return undefined;
}

/**
 * Decompress one gzip (all members) or zstd (all frames) payload, refusing to produce more than
 * `limit` bytes. The limit is enforced by zlib while it inflates (`maxOutputLength`), so a bomb
 * stops after `limit` bytes instead of allocating what it would expand to.
 *
 * @example
 * ```ts
 * const inflated = decompress(bytes, 'gzip', 32 * 1024 * 1024);
 * ```
 */
export function decompress(bytes: Uint8Array, compression: Compression, limit: number): Uint8Array {
  return compression === Compression.gzip ? gunzip(bytes, limit) : unzstd(bytes, limit);
}

function gunzip(bytes: Uint8Array, limit: number): Uint8Array {
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: limit });
  } catch (error) {
    throw zlibError(error, 'gzip', limit);
  }
}

function unzstd(bytes: Uint8Array, limit: number): Uint8Array {
  if (typeof zlib.zstdDecompressSync !== 'function') {
    throw new UnsupportedFormatError(
      `zstd-compressed payload, but Node.js ${process.version} has no zstd support (node:zlib has it from 22.15)`,
    );
  }
  const frames = inspectZstdFrames(bytes);
  if (frames.contentSize !== undefined && frames.contentSize > limit) {
    throw new SizeLimitError(
      `zstd payload declares ${frames.contentSize} bytes of content, over the ${limit}-byte decompression limit`,
      limit,
    );
  }
  // The decoder allocates the window before writing any output, so bound it too.
  const windowLog = Math.min(MAX_WINDOW_LOG, Math.max(MIN_WINDOW_LOG, Math.ceil(Math.log2(limit))));
  if (frames.windowSize > 2 ** windowLog) {
    throw new SizeLimitError(
      `zstd frame needs a ${frames.windowSize}-byte window, over the ${2 ** windowLog} bytes allowed by the ${limit}-byte decompression limit`,
      limit,
    );
  }
  const options = { params: { [zlib.constants.ZSTD_d_windowLogMax]: windowLog } };
  const outputs: Uint8Array[] = [];
  let total = 0;
  for (const frame of frames.frames) {
    let output: Uint8Array;
    try {
      // maxOutputLength must be at least 1; a byte past the budget is caught just below.
      const budget = Math.max(1, limit - total);
      output = zlib.zstdDecompressSync(bytes.subarray(frame.start, frame.end), {
        ...options,
        maxOutputLength: budget,
      });
    } catch (error) {
      throw zlibError(error, 'zstd', limit);
    }
    total += output.length;
    if (total > limit) throw inflatesTooLarge('zstd', limit);
    if (frame.contentSize !== undefined && output.length !== frame.contentSize) {
      throw new DecodeError(
        'zstd',
        frame.start,
        `frame declares ${frame.contentSize} bytes of content but decodes to ${output.length}`,
      );
    }
    outputs.push(output);
  }
  return outputs.length === 1 ? outputs[0]! : Buffer.concat(outputs, total);
}

function inflatesTooLarge(compression: Compression, limit: number, cause?: unknown): SizeLimitError {
  return new SizeLimitError(
    `${compression} payload inflates to more than the ${limit}-byte decompression limit (stopped while inflating)`,
    limit,
    { cause },
  );
}

function zlibError(error: unknown, compression: Compression, limit: number): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return inflatesTooLarge(compression, limit, error);
  if (code === 'ZSTD_error_frameParameter_windowTooLarge') {
    return new SizeLimitError(`zstd frame window is over the decompression limit`, limit, { cause: error });
  }
  // zlib's messages are fixed strings ("unexpected end of file"), never payload bytes.
  const message = error instanceof Error ? error.message : String(error);
  return new DecodeError(
    compression,
    undefined,
    `${message}${typeof code === 'string' ? ` (${code})` : ''}`,
    {
      cause: error,
    },
  );
}
