/**
 * Amazon S3 limits this flusher checks or relies on, each with its documented value
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html and the API reference).
 */

/** 1024: the longest object key S3 accepts, in UTF-8 bytes. */
export const S3_MAX_KEY_BYTES = 1024;

/** 5 MiB: the smallest multipart part S3 accepts, except the last part of an upload. lib-storage enforces it too. */
export const S3_MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;

/** 5 GiB: the largest single part, and the largest object one PutObject may write. */
export const S3_MAX_PART_SIZE_BYTES = 5 * 1024 * 1024 * 1024;

/** 10,000: the most parts one multipart upload may have. */
export const S3_MAX_PARTS = 10_000;

/** 2 KiB: the largest total size of user-defined metadata (`x-amz-meta-*` names and values, UTF-8). */
export const S3_MAX_USER_METADATA_BYTES = 2 * 1024;

/** 3..63 characters: the length of a bucket name under S3's naming rules. */
export const S3_BUCKET_NAME_LENGTH = { min: 3, max: 63 } as const;

/** 10: the most tags one object may carry. */
export const S3_MAX_OBJECT_TAGS = 10;

/** 128: the longest object tag key, in Unicode characters. */
export const S3_MAX_TAG_KEY_CHARS = 128;

/** 256: the longest object tag value, in Unicode characters (an empty value is allowed). */
export const S3_MAX_TAG_VALUE_CHARS = 256;

/**
 * The characters S3 allows in tag keys and values: letters, digits and spaces representable in
 * UTF-8, and `+ - = . _ : / @`.
 */
export const S3_TAG_CHARACTERS = /^[\p{L}\p{N}\p{Zs}+\-=._:/@]*$/u;

/** `aws:`: the tag key prefix S3 reserves for AWS (a PutObject using it is refused). */
export const S3_RESERVED_TAG_PREFIX = 'aws:';
