import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { S3_DEFAULTS, S3_ENV, s3Config, s3ConfigFromEnv } from '../../../src/flushers/s3/config.ts';
import { S3_MIN_PART_SIZE_BYTES } from '../../../src/flushers/s3/s3Limits.ts';

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
    });
  });

  it('treats empty values as unset', () => {
    expect(s3ConfigFromEnv({ S3_BUCKET: 'logs', S3_FORMAT: '', S3_PART_SIZE_BYTES: '' })).toMatchObject({
      format: 'jsonl',
      partSizeBytes: S3_DEFAULTS.partSizeBytes,
    });
  });

  it.each([
    [{ S3_FORMAT: 'parquet' }, 'S3_FORMAT'],
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
  ])('refuses %o, naming %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  it('maps every field to an S3_* or AWS_* variable', () => {
    for (const variable of Object.values(S3_ENV)) expect(variable).toMatch(/^(S3|AWS)_[A-Z0-9_]+$/);
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
