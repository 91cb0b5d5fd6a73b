import { constants as bufferConstants } from 'node:buffer';
import { ConfigError } from '../errors.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, type DecodeOptions, InputFormat } from './decodePayload.ts';

/** Smallest `MAX_DECOMPRESSED_BYTES` accepted: below 64 KiB even ordinary records would be refused. */
const MIN_MAX_DECOMPRESSED_BYTES = 64 * 1024;

/**
 * Read the decoder options from the environment, once at cold start: `INPUT_FORMAT` (default
 * `auto`) and `MAX_DECOMPRESSED_BYTES` (a byte count, default 32 MiB). Invalid values throw a
 * {@link ConfigError} naming the variable.
 *
 * @example
 * ```ts
 * const options = parseInputOptions(process.env);
 * ```
 */
export function parseInputOptions(env: Readonly<Record<string, string | undefined>>): DecodeOptions {
  return {
    format: parseFormat(env.INPUT_FORMAT),
    maxDecompressedBytes: parseMaxBytes(env.MAX_DECOMPRESSED_BYTES),
  };
}

function parseFormat(value: string | undefined): InputFormat {
  const text = value?.trim() ?? '';
  if (text === '') return InputFormat.auto;
  const formats: readonly string[] = Object.values(InputFormat);
  if (!formats.includes(text)) {
    throw new ConfigError(
      'INPUT_FORMAT',
      `expected one of ${formats.join(', ')}, got ${JSON.stringify(text.slice(0, 32))}`,
    );
  }
  return text as InputFormat;
}

function parseMaxBytes(value: string | undefined): number {
  const text = value?.trim() ?? '';
  if (text === '') return DEFAULT_MAX_DECOMPRESSED_BYTES;
  const bytes = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!(bytes >= MIN_MAX_DECOMPRESSED_BYTES && bytes <= bufferConstants.MAX_LENGTH)) {
    throw new ConfigError(
      'MAX_DECOMPRESSED_BYTES',
      `expected a whole number of bytes in ${MIN_MAX_DECOMPRESSED_BYTES}..${bufferConstants.MAX_LENGTH}, got ${JSON.stringify(text.slice(0, 32))}`,
    );
  }
  return bytes;
}
