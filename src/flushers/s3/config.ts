import * as zlib from 'node:zlib';
import { type Env, env } from '../../config/env.ts';
import { ConfigError } from '../../errors.ts';
import { S3_MAX_KEY_BYTES, S3_MAX_PART_SIZE_BYTES, S3_MIN_PART_SIZE_BYTES } from './s3Limits.ts';

/** How logs are written into an object. */
export const S3Format = {
  /** JSON Lines in the shared log line shape (src/protocol/logLine.ts): Athena/Glue-readable. */
  jsonl: 'jsonl',
  /** A protobuf `LogGroupList` (iLogtail `sls_logs`): lossless, duplicate keys kept. */
  protobuf: 'protobuf',
} as const;
export type S3Format = (typeof S3Format)[keyof typeof S3Format];

/** How an object's body is compressed. */
export const S3Compression = { gzip: 'gzip', zstd: 'zstd', none: 'none' } as const;
export type S3Compression = (typeof S3Compression)[keyof typeof S3Compression];

/**
 * When the SDK adds request checksums (`requestChecksumCalculation` / `responseChecksumValidation`).
 * `when_supported` is the SDK's default (CRC32 on every upload); `when_required` only where an API
 * demands one, for S3-compatible servers that reject or mishandle the newer checksum headers.
 */
export const S3Checksum = { whenSupported: 'when_supported', whenRequired: 'when_required' } as const;
export type S3Checksum = (typeof S3Checksum)[keyof typeof S3Checksum];

/** The SDK retry mode: `standard` (exponential backoff with jitter) or `adaptive` (plus client-side rate limiting). */
export const S3RetryMode = { standard: 'standard', adaptive: 'adaptive' } as const;
export type S3RetryMode = (typeof S3RetryMode)[keyof typeof S3RetryMode];

/** The validated configuration of the S3 flusher. */
export interface S3Config {
  readonly bucket: string;
  /** Prepended verbatim to every key: include the trailing `/` if you want a folder. */
  readonly keyPrefix: string;
  readonly format: S3Format;
  readonly compression: S3Compression;
  readonly forcePathStyle: boolean;
  readonly checksum: S3Checksum;
  /** Custom endpoint (S3-compatible servers, local testing); `undefined` = AWS. */
  readonly endpoint: string | undefined;
  /** `undefined` = the SDK's region chain. */
  readonly region: string | undefined;
  /** Objects larger than this (compressed) go through a multipart upload. */
  readonly multipartThresholdBytes: number;
  readonly partSizeBytes: number;
  /** Objects written at once per flush, and parts uploaded at once per multipart object. */
  readonly uploadConcurrency: number;
  /** `isReady` turns false while flushes in progress hold more than this many (uncompressed) bytes. */
  readonly maxInflightBytes: number;
  /** SDK attempts per request, first one included. */
  readonly maxAttempts: number;
  readonly retryMode: S3RetryMode;
  readonly connectTimeoutMs: number;
  /** Whole request and response, per attempt. */
  readonly requestTimeoutMs: number;
  /** Consecutive failed flushes that open the circuit breaker; 0 disables it. */
  readonly breakerFailureThreshold: number;
  /** How long an open breaker keeps `isReady` false before one trial flush is let through. */
  readonly breakerCooldownMs: number;
}

/** The environment variable behind each field (ConfigError names it). */
export const S3_ENV = {
  bucket: 'S3_BUCKET',
  keyPrefix: 'S3_KEY_PREFIX',
  format: 'S3_FORMAT',
  compression: 'S3_COMPRESSION',
  forcePathStyle: 'S3_FORCE_PATH_STYLE',
  checksum: 'S3_CHECKSUM',
  endpoint: 'AWS_ENDPOINT_URL_S3',
  region: 'AWS_REGION',
  multipartThresholdBytes: 'S3_MULTIPART_THRESHOLD_BYTES',
  partSizeBytes: 'S3_PART_SIZE_BYTES',
  uploadConcurrency: 'S3_UPLOAD_CONCURRENCY',
  maxInflightBytes: 'S3_MAX_INFLIGHT_BYTES',
  maxAttempts: 'S3_MAX_ATTEMPTS',
  retryMode: 'S3_RETRY_MODE',
  connectTimeoutMs: 'S3_CONNECT_TIMEOUT_MS',
  requestTimeoutMs: 'S3_REQUEST_TIMEOUT_MS',
  breakerFailureThreshold: 'S3_BREAKER_FAILURE_THRESHOLD',
  breakerCooldownMs: 'S3_BREAKER_COOLDOWN_MS',
} as const satisfies Record<keyof S3Config, string>;

const MiB = 1024 * 1024;

/** Defaults of every optional field. */
export const S3_DEFAULTS = {
  keyPrefix: '',
  format: S3Format.jsonl,
  compression: S3Compression.gzip,
  forcePathStyle: false,
  checksum: S3Checksum.whenSupported,
  endpoint: undefined,
  region: undefined,
  multipartThresholdBytes: 16 * MiB,
  partSizeBytes: 8 * MiB,
  uploadConcurrency: 4,
  maxInflightBytes: 64 * MiB,
  maxAttempts: 3,
  retryMode: S3RetryMode.standard,
  connectTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  breakerFailureThreshold: 5,
  breakerCooldownMs: 30_000,
} as const satisfies Omit<S3Config, 'bucket'>;

/** Room left in a key after the prefix: project and logstore segments, `dt=…/hour=…/`, the id and extension. */
const MAX_KEY_PREFIX_BYTES = S3_MAX_KEY_BYTES - 512;

/**
 * Read and validate the S3 flusher's configuration from environment variables (see {@link S3_ENV}).
 * Empty values count as unset. Throws a ConfigError naming the variable at fault.
 *
 * @example
 * ```ts
 * const config = s3ConfigFromEnv(process.env);
 * const flusher = createS3Flusher(config);
 * ```
 */
export function s3ConfigFromEnv(vars: Env): S3Config {
  const read = (field: keyof S3Config) => env.optional(vars, S3_ENV[field]);
  const int = (field: keyof S3Config) => env.optionalInteger(vars, S3_ENV[field], 0);
  const bool = (field: keyof S3Config) =>
    read(field) === undefined ? undefined : env.bool(vars, S3_ENV[field], false);
  const choice = <T extends Record<string, string>>(field: keyof S3Config, allowed: T) => {
    const values = Object.values(allowed) as T[keyof T][];
    return read(field) === undefined ? undefined : env.oneOf(vars, S3_ENV[field], values, values[0]!);
  };
  return s3Config({
    bucket: read('bucket') ?? '',
    keyPrefix: vars[S3_ENV.keyPrefix] || undefined,
    format: choice('format', S3Format),
    compression: choice('compression', S3Compression),
    forcePathStyle: bool('forcePathStyle'),
    checksum: choice('checksum', S3Checksum),
    endpoint: read('endpoint'),
    region: read('region') ?? env.optional(vars, 'AWS_DEFAULT_REGION'),
    multipartThresholdBytes: int('multipartThresholdBytes'),
    partSizeBytes: int('partSizeBytes'),
    uploadConcurrency: int('uploadConcurrency'),
    maxInflightBytes: int('maxInflightBytes'),
    maxAttempts: int('maxAttempts'),
    retryMode: choice('retryMode', S3RetryMode),
    connectTimeoutMs: int('connectTimeoutMs'),
    requestTimeoutMs: int('requestTimeoutMs'),
    breakerFailureThreshold: int('breakerFailureThreshold'),
    breakerCooldownMs: int('breakerCooldownMs'),
  });
}

/**
 * Fill defaults into a programmatic configuration and validate it with the same rules as
 * {@link s3ConfigFromEnv}.
 *
 * @example
 * ```ts
 * const config = s3Config({ bucket: 'my-logs', keyPrefix: 'logs/', compression: 'zstd' });
 * ```
 */
export function s3Config(
  input: { bucket: string } & Partial<{ -readonly [K in keyof S3Config]: S3Config[K] | undefined }>,
): S3Config {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const config: S3Config = { ...S3_DEFAULTS, ...defined, bucket: input.bucket };
  validate(config);
  return config;
}

function validate(config: S3Config): void {
  const fail = (field: keyof S3Config, detail: string): never => {
    throw new ConfigError(S3_ENV[field], detail);
  };
  if (config.bucket === '') fail('bucket', 'the S3 flusher needs a bucket name');
  if (/[/\s]/.test(config.bucket))
    fail('bucket', `"${config.bucket}" is not a bucket name (no "/" or spaces)`);
  if (config.keyPrefix.startsWith('/'))
    fail('keyPrefix', 'must not start with "/" (S3 keys have no leading slash)');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(config.keyPrefix))
    fail('keyPrefix', 'must not contain control characters');
  if (Buffer.byteLength(config.keyPrefix) > MAX_KEY_PREFIX_BYTES) {
    fail(
      'keyPrefix',
      `longer than ${MAX_KEY_PREFIX_BYTES} bytes leaves no room in a ${S3_MAX_KEY_BYTES}-byte key`,
    );
  }
  if (config.compression === S3Compression.zstd && typeof zlib.createZstdCompress !== 'function') {
    fail('compression', `zstd needs Node.js 22.15 or later (this is ${process.version})`);
  }
  if (config.endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(config.endpoint)) {
    fail('endpoint', `"${config.endpoint}" is not an http(s) URL`);
  }
  const range = (field: keyof S3Config, min: number, max: number) => {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(field, `must be an integer in ${min}..${max}, got ${String(value)}`);
    }
  };
  range('multipartThresholdBytes', 1, S3_MAX_PART_SIZE_BYTES);
  range('partSizeBytes', S3_MIN_PART_SIZE_BYTES, S3_MAX_PART_SIZE_BYTES);
  range('uploadConcurrency', 1, 64);
  range('maxInflightBytes', 1, Number.MAX_SAFE_INTEGER);
  range('maxAttempts', 1, 20);
  range('connectTimeoutMs', 1, 900_000);
  range('requestTimeoutMs', 1, 900_000);
  range('breakerFailureThreshold', 0, 1_000_000);
  range('breakerCooldownMs', 1, 3_600_000);
}
