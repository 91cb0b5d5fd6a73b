import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { S3_DEFAULTS, S3_ENV, s3Config, s3ConfigFromEnv } from '../../../src/flushers/s3/config.ts';
import { S3_MIN_PART_SIZE_BYTES } from '../../../src/flushers/s3/s3Limits.ts';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';

function configError(env: Record<string, string>): ConfigError {
  try {
    s3ConfigFromEnv({ S3_BUCKET: 'logs', ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('s3ConfigFromEnv', () => {
  it('needs only S3_BUCKET and documents a default for everything else', () => {
    expect(s3ConfigFromEnv({ S3_BUCKET: 'logs' })).toEqual({ ...S3_DEFAULTS, bucket: 'logs' });
    expect(S3_DEFAULTS).toMatchObject({
      format: 'jsonl',
      compression: 'gzip',
      forcePathStyle: false,
      checksum: 'when_supported',
      partSizeBytes: 8 * 1024 * 1024,
      multipartThresholdBytes: 16 * 1024 * 1024,
    });
  });

  it('refuses a missing or blank bucket, naming S3_BUCKET', () => {
    expect(() => s3ConfigFromEnv({})).toThrow(ConfigError);
    expect(configError({ S3_BUCKET: '  ' }).variable).toBe('S3_BUCKET');
    expect(configError({ S3_BUCKET: 'a/b' }).variable).toBe('S3_BUCKET');
  });

  it('reads every variable', () => {
    const config = s3ConfigFromEnv({
      S3_BUCKET: 'logs',
      S3_KEY_PREFIX: 'raw/',
      S3_FORMAT: 'PROTOBUF',
      S3_COMPRESSION: 'zstd',
      S3_FORCE_PATH_STYLE: 'true',
      S3_CHECKSUM: 'when_required',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4568',
      AWS_REGION: 'eu-west-1',
      S3_MULTIPART_THRESHOLD_BYTES: '100000000',
      S3_PART_SIZE_BYTES: String(S3_MIN_PART_SIZE_BYTES),
      S3_UPLOAD_CONCURRENCY: '8',
      S3_MAX_INFLIGHT_BYTES: '1000',
      S3_MAX_ATTEMPTS: '5',
      S3_RETRY_MODE: 'adaptive',
      S3_CONNECT_TIMEOUT_MS: '1000',
      S3_REQUEST_TIMEOUT_MS: '2000',
      S3_BREAKER_FAILURE_THRESHOLD: '0',
      S3_BREAKER_COOLDOWN_MS: '5000',
      S3_STORAGE_CLASS: 'standard_ia',
      S3_SSE: 'AWS:KMS',
      S3_SSE_KMS_KEY_ID: KEY_ARN,
      S3_SSE_BUCKET_KEY: 'true',
      S3_OBJECT_TAGS: 'team=logs&note=a%2Bb%3Dc',
      S3_KEY_TEMPLATE: '{project}/{contents.status}/dt={dt}/',
      S3_MAX_PARTITIONS: '5',
    });
    expect(config).toEqual({
      bucket: 'logs',
      keyPrefix: 'raw/',
      format: 'protobuf',
      compression: 'zstd',
      forcePathStyle: true,
      checksum: 'when_required',
      endpoint: 'http://127.0.0.1:4568',
      region: 'eu-west-1',
      multipartThresholdBytes: 100_000_000,
      partSizeBytes: S3_MIN_PART_SIZE_BYTES,
      uploadConcurrency: 8,
      maxInflightBytes: 1000,
      maxAttempts: 5,
      retryMode: 'adaptive',
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      breakerFailureThreshold: 0,
      breakerCooldownMs: 5000,
      storageClass: 'STANDARD_IA',
      sse: 'aws:kms',
      sseKmsKeyId: KEY_ARN,
      sseBucketKey: true,
      objectTags: { team: 'logs', note: 'a+b=c' },
      keyTemplate: '{project}/{contents.status}/dt={dt}/',
      maxPartitions: 5,
      // Parquet options: defaults (they are refused with another format; see below).
      parquetCompression: 'zstd',
      parquetColumns: [],
    });
  });

  it('treats empty values as unset', () => {
    expect(s3ConfigFromEnv({ S3_BUCKET: 'logs', S3_FORMAT: '', S3_PART_SIZE_BYTES: '' })).toMatchObject({
      format: 'jsonl',
      partSizeBytes: S3_DEFAULTS.partSizeBytes,
    });
  });

  it.each([
    [{ S3_FORMAT: 'orc' }, 'S3_FORMAT'],
    [{ S3_FORMAT: 'parquet', S3_COMPRESSION: 'gzip' }, 'S3_COMPRESSION'],
    [{ S3_PARQUET_COMPRESSION: 'zstd' }, 'S3_PARQUET_COMPRESSION'],
    [{ S3_FORMAT: 'parquet', S3_PARQUET_COMPRESSION: 'lz4' }, 'S3_PARQUET_COMPRESSION'],
    [{ S3_FORMAT: 'jsonl', S3_PARQUET_COLUMNS: 'status' }, 'S3_PARQUET_COLUMNS'],
    [{ S3_FORMAT: 'parquet', S3_PARQUET_COLUMNS: 'status,time' }, 'S3_PARQUET_COLUMNS'],
    [{ S3_FORMAT: 'parquet', S3_PARQUET_COLUMNS: 'Contents' }, 'S3_PARQUET_COLUMNS'],
    [{ S3_FORMAT: 'parquet', S3_PARQUET_COLUMNS: 'status, Status' }, 'S3_PARQUET_COLUMNS'],
    [{ S3_FORMAT: 'parquet', S3_PARQUET_COLUMNS: 'a,,b' }, 'S3_PARQUET_COLUMNS'],
    [
      { S3_FORMAT: 'parquet', S3_PARQUET_COLUMNS: Array.from({ length: 101 }, (_, i) => `k${i}`).join() },
      'S3_PARQUET_COLUMNS',
    ],
    [{ S3_COMPRESSION: 'brotli' }, 'S3_COMPRESSION'],
    [{ S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE'],
    [{ S3_CHECKSUM: 'never' }, 'S3_CHECKSUM'],
    [{ S3_RETRY_MODE: 'legacy' }, 'S3_RETRY_MODE'],
    [{ S3_PART_SIZE_BYTES: String(S3_MIN_PART_SIZE_BYTES - 1) }, 'S3_PART_SIZE_BYTES'],
    [{ S3_PART_SIZE_BYTES: '5MB' }, 'S3_PART_SIZE_BYTES'],
    [{ S3_UPLOAD_CONCURRENCY: '0' }, 'S3_UPLOAD_CONCURRENCY'],
    [{ S3_MAX_ATTEMPTS: '-1' }, 'S3_MAX_ATTEMPTS'],
    [{ S3_MAX_INFLIGHT_BYTES: '0' }, 'S3_MAX_INFLIGHT_BYTES'],
    [{ S3_KEY_PREFIX: '/logs/' }, 'S3_KEY_PREFIX'],
    [{ S3_KEY_PREFIX: 'a\nb' }, 'S3_KEY_PREFIX'],
    [{ S3_KEY_PREFIX: 'x'.repeat(600) }, 'S3_KEY_PREFIX'],
    [{ AWS_ENDPOINT_URL_S3: 'localhost:4568' }, 'AWS_ENDPOINT_URL_S3'],
    [{ S3_STORAGE_CLASS: 'COLD' }, 'S3_STORAGE_CLASS'],
    [{ S3_STORAGE_CLASS: 'FSX_OPENZFS' }, 'S3_STORAGE_CLASS'],
    [{ S3_SSE: 'aws:kms:dsse' }, 'S3_SSE'],
    [{ S3_SSE: 'aws:kms' }, 'S3_SSE_KMS_KEY_ID'],
    [{ S3_SSE: 'aws:kms', S3_SSE_KMS_KEY_ID: 'alias/logs' }, 'S3_SSE_KMS_KEY_ID'],
    [{ S3_SSE: 'aws:kms', S3_SSE_KMS_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab' }, 'S3_SSE_KMS_KEY_ID'],
    [{ S3_SSE: 'AES256', S3_SSE_KMS_KEY_ID: KEY_ARN }, 'S3_SSE_KMS_KEY_ID'],
    [{ S3_SSE_KMS_KEY_ID: KEY_ARN }, 'S3_SSE_KMS_KEY_ID'],
    [{ S3_SSE: 'AES256', S3_SSE_BUCKET_KEY: 'true' }, 'S3_SSE_BUCKET_KEY'],
    [{ S3_SSE_BUCKET_KEY: 'false' }, 'S3_SSE_BUCKET_KEY'],
    [{ S3_SSE: 'aws:kms', S3_SSE_KMS_KEY_ID: KEY_ARN, S3_SSE_BUCKET_KEY: 'maybe' }, 'S3_SSE_BUCKET_KEY'],
    [{ S3_KEY_TEMPLATE: '{status}/' }, 'S3_KEY_TEMPLATE'],
    [{ S3_KEY_TEMPLATE: '{project}/{logstore}' }, 'S3_KEY_TEMPLATE'],
    [{ S3_KEY_TEMPLATE: '/{project}/' }, 'S3_KEY_TEMPLATE'],
    [{ S3_KEY_TEMPLATE: '{project/' }, 'S3_KEY_TEMPLATE'],
    [
      {
        S3_KEY_PREFIX: 'p'.repeat(500),
        S3_KEY_TEMPLATE: '{contents.a}/{contents.b}/{contents.c}/{contents.d}/',
      },
      'S3_KEY_TEMPLATE',
    ],
    [{ S3_MAX_PARTITIONS: '0' }, 'S3_MAX_PARTITIONS'],
    [{ S3_MAX_PARTITIONS: '1001' }, 'S3_MAX_PARTITIONS'],
    [{ S3_OBJECT_TAGS: 'team' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: 'a=1&a=2' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: 'a=%zz' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: '=value' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: 'a=1&' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: 'aws:owner=me' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: 'k=semi;colon' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: 'k=a%26b' }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: Array.from({ length: 11 }, (_, i) => `t${i}=v`).join('&') }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: `${'k'.repeat(129)}=v` }, 'S3_OBJECT_TAGS'],
    [{ S3_OBJECT_TAGS: `k=${'v'.repeat(257)}` }, 'S3_OBJECT_TAGS'],
  ])('refuses %o, naming %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  it('maps every field to an S3_* or AWS_* variable', () => {
    for (const variable of Object.values(S3_ENV)) expect(variable).toMatch(/^(S3|AWS)_[A-Z0-9_]+$/);
  });
});

describe('the Parquet format', () => {
  it('compresses inside the file: S3_COMPRESSION is none by default, zstd pages unless chosen', () => {
    expect(s3ConfigFromEnv({ S3_BUCKET: 'logs', S3_FORMAT: 'parquet' })).toMatchObject({
      format: 'parquet',
      compression: 'none',
      parquetCompression: 'zstd',
      parquetColumns: [],
    });
    expect(
      s3ConfigFromEnv({
        S3_BUCKET: 'logs',
        S3_FORMAT: 'Parquet',
        S3_COMPRESSION: 'none',
        S3_PARQUET_COMPRESSION: 'SNAPPY',
        S3_PARQUET_COLUMNS: ' status , request_uri,é',
      }),
    ).toMatchObject({
      compression: 'none',
      parquetCompression: 'snappy',
      parquetColumns: ['status', 'request_uri', 'é'],
    });
  });
});

describe('s3Config', () => {
  it('fills defaults into a programmatic configuration and validates it the same way', () => {
    expect(s3Config({ bucket: 'logs', compression: 'none', keyPrefix: undefined })).toMatchObject({
      compression: 'none',
      keyPrefix: '',
      format: 'jsonl',
    });
    expect(() => s3Config({ bucket: 'logs', partSizeBytes: 1024 })).toThrow(/S3_PART_SIZE_BYTES/);
  });
});
