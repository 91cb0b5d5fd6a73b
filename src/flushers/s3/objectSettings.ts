import type { PutObjectCommandInput, StorageClass } from '@aws-sdk/client-s3';
import {
  S3_MAX_OBJECT_TAGS,
  S3_MAX_TAG_KEY_CHARS,
  S3_MAX_TAG_VALUE_CHARS,
  S3_RESERVED_TAG_PREFIX,
  S3_TAG_CHARACTERS,
} from './s3Limits.ts';

/**
 * The storage classes a PutObject or CreateMultipartUpload may ask for (the SDK's list also has
 * classes only other services write, such as FSX_OPENZFS or AWS_BACKUP_WARM). GLACIER and
 * DEEP_ARCHIVE objects must be restored before Athena or any other reader can read them;
 * EXPRESS_ONEZONE is for directory buckets and OUTPOSTS for S3 on Outposts.
 */
export const S3StorageClass = {
  STANDARD: 'STANDARD',
  STANDARD_IA: 'STANDARD_IA',
  ONEZONE_IA: 'ONEZONE_IA',
  INTELLIGENT_TIERING: 'INTELLIGENT_TIERING',
  GLACIER_IR: 'GLACIER_IR',
  GLACIER: 'GLACIER',
  DEEP_ARCHIVE: 'DEEP_ARCHIVE',
  REDUCED_REDUNDANCY: 'REDUCED_REDUNDANCY',
  EXPRESS_ONEZONE: 'EXPRESS_ONEZONE',
  OUTPOSTS: 'OUTPOSTS',
} as const satisfies Record<string, StorageClass>;
export type S3StorageClass = (typeof S3StorageClass)[keyof typeof S3StorageClass];

/** Server-side encryption asked for on every object: SSE-S3 (`AES256`) or SSE-KMS (`aws:kms`). */
export const S3Sse = { aes256: 'AES256', kms: 'aws:kms' } as const;
export type S3Sse = (typeof S3Sse)[keyof typeof S3Sse];

/** Object tags, key to value. */
export type S3ObjectTags = Readonly<Record<string, string>>;

/** What every object the flusher writes is created with (PutObject and CreateMultipartUpload). */
export type S3ObjectSettings = Pick<
  PutObjectCommandInput,
  'StorageClass' | 'ServerSideEncryption' | 'SSEKMSKeyId' | 'BucketKeyEnabled' | 'Tagging'
>;

/** The object options of an S3 flusher's configuration. */
export interface S3ObjectOptions {
  readonly storageClass: S3StorageClass | undefined;
  readonly sse: S3Sse | undefined;
  readonly sseKmsKeyId: string | undefined;
  readonly sseBucketKey: boolean | undefined;
  readonly objectTags: S3ObjectTags;
}

/**
 * The request settings of the flusher's objects: storage class, encryption and tags. Unset options
 * send nothing, so the bucket's defaults apply.
 *
 * @example
 * ```ts
 * objectSettings({ storageClass: 'STANDARD_IA', sse: 'aws:kms', sseKmsKeyId: arn, sseBucketKey: true,
 *   objectTags: { team: 'logs' } });
 * // { StorageClass: 'STANDARD_IA', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true, Tagging: 'team=logs' }
 * ```
 */
export function objectSettings(options: S3ObjectOptions): S3ObjectSettings {
  const tags = Object.entries(options.objectTags);
  return {
    ...encryptionSettings(options),
    ...(options.storageClass === undefined ? {} : { StorageClass: options.storageClass }),
    ...(tags.length === 0
      ? {}
      : {
          Tagging: tags
            .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
            .join('&'),
        }),
  };
}

/**
 * The encryption settings alone: what quarantined records get (they hold raw payloads, as
 * sensitive as the logs, but are kept in S3's default storage class and untagged, so a tag-based
 * lifecycle rule never moves them away before they are inspected).
 *
 * @example
 * ```ts
 * encryptionSettings({ sse: 'AES256', sseKmsKeyId: undefined, sseBucketKey: undefined }); // { ServerSideEncryption: 'AES256' }
 * ```
 */
export function encryptionSettings(
  options: Pick<S3ObjectOptions, 'sse' | 'sseKmsKeyId' | 'sseBucketKey'>,
): S3ObjectSettings {
  if (options.sse === undefined) return {};
  return {
    ServerSideEncryption: options.sse,
    ...(options.sseKmsKeyId === undefined ? {} : { SSEKMSKeyId: options.sseKmsKeyId }),
    ...(options.sseBucketKey === undefined ? {} : { BucketKeyEnabled: options.sseBucketKey }),
  };
}

/**
 * Parse `S3_OBJECT_TAGS`: `key=value` pairs joined by `&`, as in the `x-amz-tagging` header, each
 * key and value percent-decoded (`%26` for `&`, `%3D` for `=` in a key). Throws an Error saying
 * what is wrong.
 *
 * @example
 * ```ts
 * parseObjectTags('team=logs&cost-center=4711'); // { team: 'logs', 'cost-center': '4711' }
 * ```
 */
export function parseObjectTags(text: string): S3ObjectTags {
  const tags: [string, string][] = [];
  for (const item of text.split('&')) {
    const equals = item.indexOf('=');
    if (equals < 0) throw new Error(`"${item.slice(0, 40)}" is not key=value`);
    let decoded: [string, string];
    try {
      decoded = [decodeURIComponent(item.slice(0, equals)), decodeURIComponent(item.slice(equals + 1))];
    } catch {
      throw new Error(`"${item.slice(0, 40)}" has an invalid %-escape`);
    }
    if (tags.some(([key]) => key === decoded[0])) throw new Error(`tag "${decoded[0]}" is given twice`);
    tags.push(decoded);
  }
  return Object.fromEntries(tags);
}

/** What is wrong with `tags` under S3's tagging rules, or `undefined`. */
export function objectTagsProblem(tags: S3ObjectTags): string | undefined {
  const entries = Object.entries(tags);
  if (entries.length > S3_MAX_OBJECT_TAGS) {
    return `${entries.length} tags; S3 allows at most ${S3_MAX_OBJECT_TAGS} per object`;
  }
  for (const [key, value] of entries) {
    const keyChars = [...key].length;
    if (keyChars === 0 || keyChars > S3_MAX_TAG_KEY_CHARS) {
      return `tag key "${key.slice(0, 40)}" must be 1..${S3_MAX_TAG_KEY_CHARS} characters`;
    }
    if ([...value].length > S3_MAX_TAG_VALUE_CHARS) {
      return `the value of tag "${key}" is longer than ${S3_MAX_TAG_VALUE_CHARS} characters`;
    }
    if (key.toLowerCase().startsWith(S3_RESERVED_TAG_PREFIX)) {
      return `tag key "${key}" starts with "${S3_RESERVED_TAG_PREFIX}", which S3 reserves for AWS`;
    }
    for (const text of [key, value]) {
      if (!S3_TAG_CHARACTERS.test(text)) {
        return `tag "${key}": "${text.slice(0, 40)}" has a character S3 does not allow in tags (letters, digits, spaces and + - = . _ : / @)`;
      }
    }
  }
  return undefined;
}
