import { FlushError } from '../../errors.ts';

/**
 * What an S3 error means for the flush. The SDK's standard retry has already retried 5xx,
 * SlowDown/throttling, timeouts and connection resets (with backoff and jitter) before an error
 * gets here; this decides what is left.
 */
export const S3ErrorKind = {
  /** 412 to `If-None-Match: *`: the object exists, so this exact content was delivered before. Success. */
  alreadyExists: 'already-exists',
  /** 409 ConditionalRequestConflict: a concurrent conditional write to the same key. Write again. */
  conflict: 'conflict',
  /** Retrying cannot help until someone changes the bucket, permissions or configuration. */
  permanent: 'permanent',
  /** May heal by itself: hand the records back to the queue. */
  retryable: 'retryable',
  /** Our own AbortSignal fired (deadline or stop). */
  aborted: 'aborted',
} as const;
export type S3ErrorKind = (typeof S3ErrorKind)[keyof typeof S3ErrorKind];

/** 4xx codes that are not the caller's fault and may pass (a 4xx not listed here is permanent). */
const TRANSIENT_CLIENT_ERRORS = new Set([
  'RequestTimeout', // 400: the connection was idle too long
  'ExpiredToken', // 400: temporary credentials expired; the provider refreshes them
  'TokenRefreshRequired', // 400
  'RequestTimeTooSkewed', // 403: clock skew; the SDK corrects its offset
  'BadDigest', // 400: body damaged in transit
  'IncompleteBody', // 400: connection cut mid-body
  'XAmzContentSHA256Mismatch', // 400: body damaged in transit
  'NoSuchUpload', // 404: our multipart upload was aborted under us (lifecycle rule, cleanup): start over
  'SlowDown', // 503 normally; listed in case a server sends it with a 4xx
]);

/** Codes that are permanent whatever their status (501 NotImplemented is a 5xx that never heals). */
const PERMANENT_ERRORS = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'AccountProblem',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch', // wrong secret; the SDK itself retries the clock-skew variant
  'NoSuchBucket',
  'InvalidBucketName',
  'PermanentRedirect', // 301: the bucket is in another region than the client
  'AuthorizationHeaderMalformed', // wrong region
  'NotImplemented', // the server does not support something we send (e.g. conditional writes)
]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function describe(error: unknown): { code: string; status: number | undefined; message: string } {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  return {
    code: typeof shape.name === 'string' ? shape.name : 'Error',
    status: typeof status === 'number' ? status : undefined,
    message: typeof shape.message === 'string' ? shape.message : String(error),
  };
}

/**
 * Classify an error thrown by an S3 call.
 *
 * @example
 * ```ts
 * if (classifyS3Error(error) === S3ErrorKind.alreadyExists) return; // delivered before
 * ```
 */
export function classifyS3Error(error: unknown): S3ErrorKind {
  const { code, status } = describe(error);
  if (code === 'AbortError') return S3ErrorKind.aborted;
  if (code === 'PreconditionFailed' || status === 412) return S3ErrorKind.alreadyExists;
  // OperationAborted (409): "a conflicting conditional operation is currently in progress".
  if (code === 'ConditionalRequestConflict' || code === 'OperationAborted') return S3ErrorKind.conflict;
  if (PERMANENT_ERRORS.has(code)) return S3ErrorKind.permanent;
  if (TRANSIENT_CLIENT_ERRORS.has(code)) return S3ErrorKind.retryable;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return S3ErrorKind.permanent;
  }
  return S3ErrorKind.retryable;
}

/**
 * The FlushError for a failed S3 call: `retryable` false for permanent errors, with a message that
 * says so and names the S3 error code; the SDK error is the `cause`.
 *
 * @example
 * ```ts
 * throw s3FlushError(error, 'PutObject s3://bucket/key');
 * ```
 */
export function s3FlushError(error: unknown, action: string): FlushError {
  const { code, status, message } = describe(error);
  const permanent = classifyS3Error(error) === S3ErrorKind.permanent;
  const httpStatus = status === undefined ? '' : ` (HTTP ${status})`;
  const verdict = permanent
    ? ' — permanent: retrying cannot help until the bucket, permissions or configuration change'
    : '';
  return new FlushError(`s3: ${action} failed: ${code}${httpStatus}: ${message}${verdict}`, !permanent, {
    cause: error,
  });
}
