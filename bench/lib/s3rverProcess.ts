import { fileURLToPath } from 'node:url';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { S3RVER_CREDENTIALS } from '../../test/fixtures/s3/startS3rver.ts';
import { startChildServer } from './childServer.ts';

/** s3rver running in a child process. */
export interface S3rverProcess {
  readonly endpoint: string;
  /** Its filesystem store. */
  readonly directory: string;
  readonly pid: number;
  close(): Promise<void>;
}

/**
 * Start s3rver (test/fixtures/s3/startS3rver.ts) with `buckets` in a child process and wait until
 * it listens. The benchmarks talk to it directly, not through the test proxy: the proxy only adds
 * `If-None-Match` handling and fault injection, and would put a second HTTP hop on the clock.
 */
export async function startS3rverProcess(buckets: readonly string[]): Promise<S3rverProcess> {
  const server = await startChildServer<{ endpoint: string; directory: string }>(
    fileURLToPath(new URL('./s3rverChild.ts', import.meta.url)),
    buckets,
  );
  return { ...server.info, pid: server.pid, close: () => server.close() };
}

/**
 * SDK settings every client talking to s3rver needs (NOTES.md): path-style addressing, checksums
 * only where required (s3rver mishandles the newer checksum headers), its dummy credentials.
 */
export function s3rverClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: S3RVER_CREDENTIALS,
  };
}

/** A plain client to s3rver, for reading back what a benchmark wrote. */
export function s3rverClient(endpoint: string): S3Client {
  return new S3Client(s3rverClientConfig(endpoint));
}
