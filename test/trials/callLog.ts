// Reading the latency proxy's call log: which S3 or CloudWatch Logs operation a call was, and
// what became of the multipart uploads a trial started.

import { TEST_BUCKET } from '../fixtures/s3/s3TestEnvironment.ts';
import { operationOf, type S3Operation } from '../fixtures/s3/s3Wire.ts';
import type { ProxiedCall } from './LatencyProxy.ts';

export function s3Operation(call: ProxiedCall): S3Operation {
  const url = new URL(call.url, 'http://proxy');
  const [, , ...rest] = url.pathname.split('/');
  return operationOf(call.method, decodeURIComponent(rest.join('/')), url.searchParams, call.headers);
}

/** The call writes under `prefix` of the test bucket (path-style URL). */
export function underPrefix(call: ProxiedCall, prefix: string): boolean {
  return decodeURIComponent(new URL(call.url, 'http://proxy').pathname).startsWith(
    `/${TEST_BUCKET}/${prefix}`,
  );
}

/** `PutLogEvents`, `CreateLogStream`, … from the JSON protocol's target header. */
export function cloudWatchOperation(call: ProxiedCall): string {
  return String(call.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown';
}

/** What became of one multipart upload, as the network saw it. */
export interface UploadFate {
  readonly uploadId: string;
  readonly key: string;
  /** CreateMultipartUpload was carried out, but its answer (the UploadId) never reached the function. */
  readonly createAnsweredAfterExit: boolean;
  readonly completed: boolean;
  /** AbortMultipartUpload calls for it, and whether the function was still there to hear the answer. */
  readonly aborts: ReadonlyArray<{ readonly status: number | undefined; readonly answerHeard: boolean }>;
}

/** Every multipart upload created by these calls. */
export function uploadFates(calls: readonly ProxiedCall[]): UploadFate[] {
  const fates: UploadFate[] = [];
  for (const create of calls) {
    if (s3Operation(create) !== 'CreateMultipartUpload') continue;
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(create.body ?? '')?.[1];
    if (uploadId === undefined) continue; // refused or never carried out: nothing was created
    const about = calls.filter(
      (call) => new URL(call.url, 'http://proxy').searchParams.get('uploadId') === uploadId,
    );
    fates.push({
      uploadId,
      key: decodeURIComponent(new URL(create.url, 'http://proxy').pathname),
      createAnsweredAfterExit: create.clientGone,
      completed: about.some((call) => s3Operation(call) === 'CompleteMultipartUpload' && call.status === 200),
      aborts: about
        .filter((call) => s3Operation(call) === 'AbortMultipartUpload')
        .map((call) => ({ status: call.status, answerHeard: !call.clientGone })),
    });
  }
  return fates;
}
