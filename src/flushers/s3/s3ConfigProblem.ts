// The checks of an S3 flusher's configuration: each finds what is wrong with one field. Only types
// come from config.ts, which turns the first problem into a ConfigError naming the variable.
import * as zlib from 'node:zlib';
import { KMS_KEY_ARN, notAKmsKeyArn } from '../shared/kmsKeyArn.ts';
import type { S3Config } from './config.ts';
import { KeyTemplate, MAX_OBJECT_NAME_BYTES } from './keyTemplate.ts';
import { objectTagsProblem } from './objectSettings.ts';
import { parquetColumnNamesProblem } from './parquetColumns.ts';
import { S3_MAX_KEY_BYTES, S3_MAX_PART_SIZE_BYTES, S3_MIN_PART_SIZE_BYTES } from './s3Limits.ts';

/** Room left in a key after the prefix: project and logstore segments, `dt=…/hour=…/`, the id and extension. */
const MAX_KEY_PREFIX_BYTES = S3_MAX_KEY_BYTES - 512;

/** The largest `maxPartitions` may be: beyond it, a high-cardinality field is a mistake, not a need. */
const MAX_PARTITIONS_LIMIT = 1000;

/** A field of the configuration and what is wrong with it. */
export type S3ConfigProblem = readonly [keyof S3Config, string];

/** Each field with the inclusive range of whole numbers it takes. */
const RANGES = {
  multipartThresholdBytes: [1, S3_MAX_PART_SIZE_BYTES],
  partSizeBytes: [S3_MIN_PART_SIZE_BYTES, S3_MAX_PART_SIZE_BYTES],
  uploadConcurrency: [1, 64],
  maxInflightBytes: [1, Number.MAX_SAFE_INTEGER],
  maxAttempts: [1, 20],
  connectTimeoutMs: [1, 900_000],
  requestTimeoutMs: [1, 900_000],
  breakerFailureThreshold: [0, 1_000_000],
  breakerCooldownMs: [1, 3_600_000],
  maxPartitions: [1, MAX_PARTITIONS_LIMIT],
} as const satisfies Partial<Record<keyof S3Config, readonly [number, number]>>;

/**
 * The first field of a filled-in configuration that breaks a rule, and why; `undefined` when
 * there is none.
 *
 * @example
 * ```ts
 * s3ConfigProblem({ ...S3_DEFAULTS, bucket: 'a b' }); // ['bucket', '"a b" is not a bucket name (no "/" or spaces)']
 * ```
 */
export function s3ConfigProblem(config: S3Config): S3ConfigProblem | undefined {
  return (
    locationProblem(config) ??
    codecProblem(config) ??
    rangeProblem(config) ??
    encryptionProblem(config) ??
    keyTemplateProblem(config) ??
    listProblem(config)
  );
}

function locationProblem(config: S3Config): S3ConfigProblem | undefined {
  if (config.bucket === '') return ['bucket', 'the S3 flusher needs a bucket name'];
  if (/[/\s]/.test(config.bucket))
    return ['bucket', `"${config.bucket}" is not a bucket name (no "/" or spaces)`];
  if (config.keyPrefix.startsWith('/'))
    return ['keyPrefix', 'must not start with "/" (S3 keys have no leading slash)'];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(config.keyPrefix))
    return ['keyPrefix', 'must not contain control characters'];
  if (Buffer.byteLength(config.keyPrefix) > MAX_KEY_PREFIX_BYTES) {
    return [
      'keyPrefix',
      `longer than ${MAX_KEY_PREFIX_BYTES} bytes leaves no room in a ${S3_MAX_KEY_BYTES}-byte key`,
    ];
  }
  if (config.endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(config.endpoint)) {
    return ['endpoint', `"${config.endpoint}" is not an http(s) URL`];
  }
  return undefined;
}

function codecProblem(config: S3Config): S3ConfigProblem | undefined {
  const zstd = typeof zlib.createZstdCompress === 'function';
  const needsZstd = `zstd needs Node.js 22.15 or later (this is ${process.version})`;
  if (config.compression === 'zstd' && !zstd) return ['compression', needsZstd];
  if (config.format === 'parquet' && config.parquetCompression === 'zstd' && !zstd) {
    return ['parquetCompression', needsZstd];
  }
  return undefined;
}

function rangeProblem(config: S3Config): S3ConfigProblem | undefined {
  for (const [field, [min, max]] of Object.entries(RANGES) as [
    keyof typeof RANGES,
    readonly [number, number],
  ][]) {
    const value = config[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      return [field, `must be an integer in ${min}..${max}, got ${String(value)}`];
    }
  }
  return undefined;
}

function encryptionProblem(config: S3Config): S3ConfigProblem | undefined {
  const kms = config.sse === 'aws:kms';
  if (kms && config.sseKmsKeyId === undefined) return ['sseKmsKeyId', 'is required with S3_SSE=aws:kms'];
  if (!kms && config.sseKmsKeyId !== undefined) return ['sseKmsKeyId', 'is used only with S3_SSE=aws:kms'];
  if (config.sseKmsKeyId !== undefined && !KMS_KEY_ARN.test(config.sseKmsKeyId)) {
    return ['sseKmsKeyId', notAKmsKeyArn(config.sseKmsKeyId)];
  }
  if (!kms && config.sseBucketKey !== undefined) return ['sseBucketKey', 'is used only with S3_SSE=aws:kms'];
  return undefined;
}

function keyTemplateProblem(config: S3Config): S3ConfigProblem | undefined {
  let template: KeyTemplate;
  try {
    template = KeyTemplate.parse(config.keyTemplate);
  } catch (error) {
    return ['keyTemplate', (error as Error).message];
  }
  const longest = Buffer.byteLength(config.keyPrefix) + template.maxBytes + MAX_OBJECT_NAME_BYTES;
  if (longest > S3_MAX_KEY_BYTES) {
    return [
      'keyTemplate',
      `keys could be ${longest} bytes long (prefix, every field at its longest, id and extension); S3 allows ${S3_MAX_KEY_BYTES}`,
    ];
  }
  return undefined;
}

function listProblem(config: S3Config): S3ConfigProblem | undefined {
  const tags = objectTagsProblem(config.objectTags);
  if (tags !== undefined) return ['objectTags', tags];
  const columns = parquetColumnNamesProblem(config.parquetColumns);
  return columns === undefined ? undefined : ['parquetColumns', columns];
}
