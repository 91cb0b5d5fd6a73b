import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { FlushError } from '../../../src/errors.ts';
import { classifyS3Error, s3FlushError } from '../../../src/flushers/s3/s3ErrorDecision.ts';

function s3Error(name: string, status: number | undefined): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status !== undefined && status >= 500 ? 'server' : 'client',
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    message: name,
  });
}

describe('classifyS3Error', () => {
  it.each([
    ['PreconditionFailed', 412, 'already-exists'],
    ['Unknown', 412, 'already-exists'],
    ['ConditionalRequestConflict', 409, 'conflict'],
    ['OperationAborted', 409, 'conflict'],
    ['AccessDenied', 403, 'permanent'],
    ['InvalidAccessKeyId', 403, 'permanent'],
    ['NoSuchBucket', 404, 'permanent'],
    ['PermanentRedirect', 301, 'permanent'],
    ['NotImplemented', 501, 'permanent'],
    ['EntityTooLarge', 400, 'permanent'],
    ['SlowDown', 503, 'retryable'],
    ['InternalError', 500, 'retryable'],
    ['ServiceUnavailable', 503, 'retryable'],
    ['RequestTimeout', 400, 'retryable'],
    ['ExpiredToken', 400, 'retryable'],
    ['NoSuchUpload', 404, 'retryable'],
    ['TooManyRequests', 429, 'retryable'],
    ['RequestTimeout', 408, 'retryable'],
  ] as const)('%s (HTTP %s) is %s', (name, status, kind) => {
    expect(classifyS3Error(s3Error(name, status))).toBe(kind);
  });

  it('treats network errors and timeouts as retryable, and our own aborts as aborted', () => {
    expect(classifyS3Error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      'retryable',
    );
    expect(classifyS3Error(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(
      'retryable',
    );
    expect(classifyS3Error(Object.assign(new Error('Request aborted'), { name: 'AbortError' }))).toBe(
      'aborted',
    );
    expect(classifyS3Error('a string')).toBe('retryable');
  });
});

describe('s3FlushError', () => {
  it('says what failed, the S3 code and status, and whether it is permanent', () => {
    const permanent = s3FlushError(s3Error('NoSuchBucket', 404), 'PutObject s3://b/k');
    expect(permanent).toBeInstanceOf(FlushError);
    expect(permanent.retryable).toBe(false);
    expect(permanent.message).toMatch(
      /^s3: PutObject s3:\/\/b\/k failed: NoSuchBucket \(HTTP 404\): .*permanent/,
    );

    const transient = s3FlushError(s3Error('SlowDown', 503), 'PutObject s3://b/k');
    expect(transient.retryable).toBe(true);
    expect(transient.message).not.toMatch(/permanent/);
    expect(transient.cause).toBeInstanceOf(S3ServiceException);
  });
});
