import { constants as bufferConstants } from 'node:buffer';
import { type Env, env } from '../config/env.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, type DecodeOptions, InputFormat } from './decodePayload.ts';

/** Smallest `MAX_DECOMPRESSED_BYTES` accepted: below 64 KiB even ordinary records would be refused. */
const MIN_MAX_DECOMPRESSED_BYTES = 64 * 1024;

/**
 * Read the decoder options from the environment, once at cold start: `INPUT_FORMAT` (default
 * `auto`) and `MAX_DECOMPRESSED_BYTES` (a byte count, default 32 MiB). Invalid values throw a
 * ConfigError naming the variable.
 *
 * @example
 * ```ts
 * const options = parseInputOptions(process.env);
 * ```
 */
export function parseInputOptions(vars: Env): DecodeOptions {
  return {
    format: env.oneOf(vars, 'INPUT_FORMAT', Object.values(InputFormat), InputFormat.auto),
    maxDecompressedBytes: env.integer(
      vars,
      'MAX_DECOMPRESSED_BYTES',
      DEFAULT_MAX_DECOMPRESSED_BYTES,
      MIN_MAX_DECOMPRESSED_BYTES,
      bufferConstants.MAX_LENGTH,
    ),
  };
}
