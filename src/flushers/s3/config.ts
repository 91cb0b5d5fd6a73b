import { type Env, env } from '../../config/env.ts';
import { ConfigError } from '../../errors.ts';
import { DEFAULT_KEY_TEMPLATE } from './keyTemplate.ts';
import { parseObjectTags, type S3ObjectTags, S3Sse, S3StorageClass } from './objectSettings.ts';
import { s3ConfigProblem } from './s3ConfigProblem.ts';

/** How logs are written into an object. */
export const S3Format = {
  /** JSON Lines in the shared log line shape (src/protocol/logLine.ts): Athena/Glue-readable. */
  jsonl: 'jsonl',
  /** A protobuf `LogGroupList` (iLogtail `sls_logs`): lossless, duplicate keys kept. */
  protobuf: 'protobuf',
  /** One Parquet file per object (see `encodeParquet`): compressed inside, by `S3_PARQUET_COMPRESSION`. */
  parquet: 'parquet',
} as const;
export type S3Format = (typeof S3Format)[keyof typeof S3Format];

/** The codec of a Parquet object's pages. */
export const ParquetCompression = { zstd: 'zstd', snappy: 'snappy', gzip: 'gzip' } as const;
export type ParquetCompression = (typeof ParquetCompression)[keyof typeof ParquetCompression];

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
  /** `none` with Parquet, which compresses its pages itself (the default then). */
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
  /** `x-amz-storage-class` of every log object; `undefined`: S3's default (STANDARD). */
  readonly storageClass: S3StorageClass | undefined;
  /** Encryption asked for on every object, quarantine included; `undefined`: the bucket's default. */
  readonly sse: S3Sse | undefined;
  /** The KMS key ARN, with `sse: 'aws:kms'` only (and then required). */
  readonly sseKmsKeyId: string | undefined;
  /** S3 Bucket Keys for SSE-KMS (fewer KMS requests); with `sse: 'aws:kms'` only. */
  readonly sseBucketKey: boolean | undefined;
  /** Tags of every log object (not of quarantined records). */
  readonly objectTags: S3ObjectTags;
  /** The folders of the keys, after the prefix (see `KeyTemplate`). */
  readonly keyTemplate: string;
  /**
   * Distinct values of the key template's log fields one flush writes apart; logs with further
   * values share their hour's overflow object, where those fields read `~other`.
   */
  readonly maxPartitions: number;
  /** The Parquet page codec; with `format: 'parquet'` only. */
  readonly parquetCompression: ParquetCompression;
  /** Content keys written as their own string columns of a Parquet object, not in `contents`. */
  readonly parquetColumns: readonly string[];
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
  storageClass: 'S3_STORAGE_CLASS',
  sse: 'S3_SSE',
  sseKmsKeyId: 'S3_SSE_KMS_KEY_ID',
  sseBucketKey: 'S3_SSE_BUCKET_KEY',
  objectTags: 'S3_OBJECT_TAGS',
  keyTemplate: 'S3_KEY_TEMPLATE',
  maxPartitions: 'S3_MAX_PARTITIONS',
  parquetCompression: 'S3_PARQUET_COMPRESSION',
  parquetColumns: 'S3_PARQUET_COLUMNS',
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
  storageClass: undefined,
  sse: undefined,
  sseKmsKeyId: undefined,
  sseBucketKey: undefined,
  objectTags: {},
  keyTemplate: DEFAULT_KEY_TEMPLATE,
  // Enough for the values one field usually takes (status codes, levels, services) while a field
  // of unbounded values (a request id) costs at most this many PUTs per flush and hour.
  maxPartitions: 20,
  parquetCompression: ParquetCompression.zstd,
  parquetColumns: [],
} as const satisfies Omit<S3Config, 'bucket'>;

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
    storageClass: choice('storageClass', S3StorageClass),
    sse: choice('sse', S3Sse),
    sseKmsKeyId: read('sseKmsKeyId'),
    sseBucketKey: bool('sseBucketKey'),
    objectTags: tags(vars),
    keyTemplate: vars[S3_ENV.keyTemplate] || undefined,
    maxPartitions: int('maxPartitions'),
    parquetCompression: choice('parquetCompression', ParquetCompression),
    parquetColumns: read('parquetColumns')
      ?.split(',')
      .map((key) => key.trim()),
  });
}

function tags(vars: Env): S3ObjectTags | undefined {
  const text = env.optional(vars, S3_ENV.objectTags);
  if (text === undefined) return undefined;
  try {
    return parseObjectTags(text);
  } catch (error) {
    throw new ConfigError(S3_ENV.objectTags, (error as Error).message, { cause: error });
  }
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
  const parquet = input.format === S3Format.parquet;
  if (parquet && input.compression !== undefined && input.compression !== S3Compression.none) {
    throw new ConfigError(
      S3_ENV.compression,
      `must be none (or unset) with S3_FORMAT=parquet: Parquet compresses its pages itself (${S3_ENV.parquetCompression})`,
    );
  }
  for (const field of ['parquetCompression', 'parquetColumns'] as const) {
    if (!parquet && input[field] !== undefined) {
      throw new ConfigError(S3_ENV[field], 'is used only with S3_FORMAT=parquet');
    }
  }
  const compression = parquet ? S3Compression.none : S3_DEFAULTS.compression;
  const config: S3Config = { ...S3_DEFAULTS, compression, ...defined, bucket: input.bucket };
  const problem = s3ConfigProblem(config);
  if (problem !== undefined) throw new ConfigError(S3_ENV[problem[0]], problem[1]);
  return config;
}
