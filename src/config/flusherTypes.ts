import { S3_ENV } from '../flushers/s3/config.ts';
import type { FlusherKind } from './destinationFromEnv.ts';

/**
 * The `Type` of a pipeline flusher (README "Pipelines"): iLogtail/LoongCollector's flusher names
 * for the destinations this library has, and our own {@link FlusherKind} names.
 *
 * @example
 * ```ts
 * FLUSHER_TYPE_NAMES.flusher_cloudwatch_logs; // 'cloudwatch-logs'
 * ```
 */
export const FLUSHER_TYPE_NAMES = {
  flusher_s3: 's3',
  flusher_cloudwatch_logs: 'cloudwatch-logs',
  flusher_stdout: 'stdout',
  flusher_file: 'file',
  s3: 's3',
  'cloudwatch-logs': 'cloudwatch-logs',
  stdout: 'stdout',
  file: 'file',
} as const satisfies Record<string, FlusherKind>;
export type FlusherTypeName = keyof typeof FLUSHER_TYPE_NAMES;

/**
 * The options of each kind of pipeline flusher, and the environment variable of the single-flusher
 * configuration (`FLUSHER=…`) each one stands for: same values, same defaults, same validation.
 *
 * @example
 * ```ts
 * FLUSHER_OPTIONS['cloudwatch-logs'].RetentionDays; // 'CWL_RETENTION_DAYS'
 * ```
 */
export const FLUSHER_OPTIONS = {
  s3: {
    Bucket: S3_ENV.bucket,
    KeyPrefix: S3_ENV.keyPrefix,
    Format: S3_ENV.format,
    Compression: S3_ENV.compression,
    ForcePathStyle: S3_ENV.forcePathStyle,
    Checksum: S3_ENV.checksum,
    Endpoint: S3_ENV.endpoint,
    Region: S3_ENV.region,
    MultipartThresholdBytes: S3_ENV.multipartThresholdBytes,
    PartSizeBytes: S3_ENV.partSizeBytes,
    UploadConcurrency: S3_ENV.uploadConcurrency,
    MaxInflightBytes: S3_ENV.maxInflightBytes,
    MaxAttempts: S3_ENV.maxAttempts,
    RetryMode: S3_ENV.retryMode,
    ConnectTimeoutMs: S3_ENV.connectTimeoutMs,
    RequestTimeoutMs: S3_ENV.requestTimeoutMs,
    BreakerFailureThreshold: S3_ENV.breakerFailureThreshold,
    BreakerCooldownMs: S3_ENV.breakerCooldownMs,
    StorageClass: S3_ENV.storageClass,
    Sse: S3_ENV.sse,
    SseKmsKeyId: S3_ENV.sseKmsKeyId,
    SseBucketKey: S3_ENV.sseBucketKey,
    ObjectTags: S3_ENV.objectTags,
    KeyTemplate: S3_ENV.keyTemplate,
    MaxPartitions: S3_ENV.maxPartitions,
    ParquetCompression: S3_ENV.parquetCompression,
    ParquetColumns: S3_ENV.parquetColumns,
  },
  // No Endpoint or Region: the CloudWatch Logs client takes them from the process environment only.
  'cloudwatch-logs': {
    LogGroup: 'CWL_LOG_GROUP',
    LogStream: 'CWL_LOG_STREAM',
    Create: 'CWL_CREATE',
    RetentionDays: 'CWL_RETENTION_DAYS',
    KmsKeyId: 'CWL_KMS_KEY_ID',
    MessageKey: 'CWL_MESSAGE_KEY',
    Concurrency: 'CWL_CONCURRENCY',
    MaxAttempts: 'CWL_MAX_ATTEMPTS',
    RequestTimeoutMs: 'CWL_REQUEST_TIMEOUT_MS',
    QuarantineLogGroup: 'CWL_QUARANTINE_LOG_GROUP',
    QuarantineLogStream: 'CWL_QUARANTINE_LOG_STREAM',
    QuarantineRetentionDays: 'CWL_QUARANTINE_RETENTION_DAYS',
  },
  file: { Directory: 'FILE_DIR' },
  stdout: {},
} as const satisfies Record<FlusherKind, Record<string, string>>;

/** iLogtail options accepted for compatibility and ignored (their behaviour is fixed here). */
export const IGNORED_FLUSHER_OPTIONS: Readonly<Record<FlusherKind, readonly string[]>> = {
  s3: [],
  'cloudwatch-logs': [],
  file: [],
  stdout: ['OnlyStdout', 'Tags', 'KeyValuePairs'],
};

/** iLogtail options refused, with what to use instead. */
export const REFUSED_FLUSHER_OPTIONS: Readonly<Record<FlusherKind, Readonly<Record<string, string>>>> = {
  s3: {},
  'cloudwatch-logs': {},
  file: {},
  stdout: { FileName: 'use Type flusher_file with Directory to write files' },
};

/** The option of `kind` that stands for `variable`, if any. */
export function optionForVariable(kind: FlusherKind, variable: string): string | undefined {
  return Object.entries(FLUSHER_OPTIONS[kind]).find(([, name]) => name === variable)?.[0];
}
