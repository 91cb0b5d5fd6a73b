import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DeadlineError } from '../../errors.ts';
import { signalAfterGrace } from '../../shared/signalAfterGrace.ts';
import type { S3ObjectSettings } from './objectSettings.ts';
import { classifyS3Error, S3ErrorKind, s3FlushError } from './s3ErrorDecision.ts';

/** One object to create. */
export interface S3PutRequest {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly contentEncoding?: string | undefined;
  readonly metadata?: Record<string, string> | undefined;
  /** Storage class, encryption and tags (see `objectSettings`); the bucket's defaults when absent. */
  readonly settings?: S3ObjectSettings | undefined;
}

/** How to write it. */
export interface S3WriteOptions {
  /** Bodies larger than this go through a multipart upload (lib-storage `Upload`). */
  readonly multipartThresholdBytes: number;
  readonly partSizeBytes: number;
  /** Parts in flight at once for one multipart upload. */
  readonly uploadConcurrency: number;
  /** Aborts every request in flight (deadline, stop); the write then rejects. */
  readonly signal: AbortSignal;
  /** True once the flusher is urgent: conflicts are retried without backoff sleeps. */
  readonly urgent?: (() => boolean) | undefined;
}

/** How a write ended: created now, or found already there (a redelivery of data delivered before). */
export const S3WriteOutcome = { created: 'created', alreadyExisted: 'already-existed' } as const;
export type S3WriteOutcome = (typeof S3WriteOutcome)[keyof typeof S3WriteOutcome];

/**
 * Attempts at one object when S3 keeps answering 409 ConditionalRequestConflict (a concurrent
 * conditional write to the same key, e.g. the same batch redelivered to a second invocation).
 */
export const MAX_CONFLICT_ATTEMPTS = 4;
/** Base of the full-jitter backoff between conflict attempts. */
const CONFLICT_BACKOFF_MS = 100;
/**
 * How long AbortMultipartUpload may take. It runs after the flush's own signal fired (that is often
 * why the upload is being aborted), so it gets its own time limit instead.
 */
export const ABORT_UPLOAD_TIMEOUT_MS = 5_000;
/**
 * How long a CreateMultipartUpload already sent may go on after the flush's signal fired. S3 may
 * create the upload after the client stopped listening, and an upload whose id the function never
 * learned could not be aborted: so the request is let finish, and once it answers lib-storage sees
 * the signal on the first part and aborts the upload. Before the signal fires, only the client's
 * own request timeout applies.
 */
export const CREATE_UPLOAD_GRACE_MS = 5_000;

/**
 * Create an object only if its key is free (`If-None-Match: *`), so redelivered data never makes a
 * second copy. 412 PreconditionFailed means the object exists: this exact content was delivered
 * before, which counts as success. 409 ConditionalRequestConflict is retried (a few times, with
 * jittered backoff, none once urgent). Other errors have already been retried by the SDK and
 * become a FlushError whose `retryable` says whether they can heal.
 *
 * Bodies above the threshold go through `@aws-sdk/lib-storage` (bounded part concurrency; the
 * conditional header rides on CompleteMultipartUpload). Every request but CreateMultipartUpload
 * and AbortMultipartUpload carries `signal`; when a multipart upload fails or is aborted,
 * lib-storage sends AbortMultipartUpload and this resolves or rejects only after that, so no
 * parts are left behind.
 *
 * @example
 * ```ts
 * const outcome = await writeObjectIfAbsent(client, { bucket, key, body, contentType: 'application/x-ndjson' },
 *   { multipartThresholdBytes: 16 << 20, partSizeBytes: 8 << 20, uploadConcurrency: 4, signal });
 * ```
 */
export async function writeObjectIfAbsent(
  client: S3Client,
  request: S3PutRequest,
  options: S3WriteOptions,
): Promise<S3WriteOutcome> {
  const multipart = request.body.length > options.multipartThresholdBytes;
  const action = `${multipart ? 'multipart upload' : 'PutObject'} s3://${request.bucket}/${request.key}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await (multipart ? upload(client, request, options) : putObject(client, request, options.signal));
      return S3WriteOutcome.created;
    } catch (error) {
      const kind = options.signal.aborted ? S3ErrorKind.aborted : classifyS3Error(error);
      if (kind === S3ErrorKind.alreadyExists) return S3WriteOutcome.alreadyExisted;
      if (kind === S3ErrorKind.aborted) throw new DeadlineError(`s3: ${action} aborted`, { cause: error });
      if (kind !== S3ErrorKind.conflict || attempt >= MAX_CONFLICT_ATTEMPTS)
        throw s3FlushError(error, action);
      if (options.urgent?.() !== true) {
        await sleep(Math.random() * CONFLICT_BACKOFF_MS * 2 ** attempt, undefined, {
          signal: options.signal,
        }).catch((abort: unknown) => {
          throw new DeadlineError(`s3: ${action} aborted`, { cause: abort });
        });
      }
    }
  }
}

function putObject(client: S3Client, request: S3PutRequest, signal: AbortSignal): Promise<unknown> {
  return client.send(
    new PutObjectCommand({
      Bucket: request.bucket,
      Key: request.key,
      Body: request.body,
      ContentLength: request.body.length,
      ContentType: request.contentType,
      ContentEncoding: request.contentEncoding,
      Metadata: request.metadata,
      ...request.settings,
      IfNoneMatch: '*',
    }),
    { abortSignal: signal },
  );
}

function upload(client: S3Client, request: S3PutRequest, options: S3WriteOptions): Promise<unknown> {
  return new Upload({
    client: withSignal(client, options.signal),
    params: {
      Bucket: request.bucket,
      Key: request.key,
      Body: request.body,
      ContentType: request.contentType,
      ContentEncoding: request.contentEncoding,
      Metadata: request.metadata,
      // CreateMultipartUpload is where S3 takes the storage class, encryption and tags of the object.
      ...request.settings,
      // lib-storage passes params to every command; only CompleteMultipartUpload (and the
      // single-part PutObject fallback) serialize it, which is where S3 checks it.
      IfNoneMatch: '*',
    },
    partSize: options.partSizeBytes,
    queueSize: options.uploadConcurrency,
    leavePartsOnError: false,
  }).done();
}

/**
 * The client as lib-storage should see it: every request it sends carries `signal` (Upload itself
 * does not forward one to its part requests), except the two that must not be cut off by it:
 * AbortMultipartUpload, which must still go out after `signal` fired and gets its own time limit,
 * and CreateMultipartUpload once sent (see {@link CREATE_UPLOAD_GRACE_MS}).
 */
function withSignal(client: S3Client, signal: AbortSignal): S3Client {
  const send = async (command: unknown, options?: object) => {
    const sendWith = (abortSignal: AbortSignal) =>
      client.send(command as PutObjectCommand, { ...options, abortSignal });
    if (command instanceof AbortMultipartUploadCommand)
      return await sendWith(AbortSignal.timeout(ABORT_UPLOAD_TIMEOUT_MS));
    if (!(command instanceof CreateMultipartUploadCommand)) return await sendWith(signal);
    const late = signalAfterGrace(signal, CREATE_UPLOAD_GRACE_MS);
    try {
      return await sendWith(late.signal);
    } finally {
      late.release();
    }
  };
  return new Proxy(client, {
    get: (target, property) => (property === 'send' ? send : Reflect.get(target, property)),
  });
}
