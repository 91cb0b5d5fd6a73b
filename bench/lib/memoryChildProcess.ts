import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { S3RVER_CREDENTIALS } from '../../test/fixtures/s3/startS3rver.ts';

/** Project and logstore the bundled functions write under in the memory benchmarks. */
export const FUNCTION_PROJECT = 'shop';
export const FUNCTION_LOGSTORE = 'nginx-access';

/** The environment of the bundled function with `FLUSHER=s3` against s3rver at `endpoint`. */
export function s3FunctionEnv(endpoint: string, bucket: string): Record<string, string> {
  return {
    FLUSHER: 's3',
    S3_BUCKET: bucket,
    S3_FORCE_PATH_STYLE: 'true',
    S3_CHECKSUM: 'when_required',
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    PROJECT: FUNCTION_PROJECT,
    LOGSTORE: FUNCTION_LOGSTORE,
    SHUTDOWN_HOOK: 'off',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

/** What bench/lib/memoryChild.mjs prints: bytes from /proc/self/status, and the invocation. */
export interface MemoryChildResult {
  idleRss: number;
  parsedRss: number;
  /** Peak from the event's arrival to the answer (VmHWM reset before the event). */
  peakRss: number;
  peakWasReset: boolean;
  /** Peak of the whole process, its import included. */
  processPeakRss: number;
  ms: number;
  failures: number;
}

/** A child that ended without a result: killed, or crashed (a V8 heap limit aborts the process). */
export interface MemoryChildCrash {
  crashed: true;
  exit: string;
  /** The end of its stderr (V8's "Reached heap limit" and the like). */
  stderr: string;
}

/**
 * Run bench/lib/memoryChild.mjs in a fresh bare `node` (`nodeArgs` first, as Lambda's bootstrap
 * passes its flags) on `bundlePath` and `eventFile`, with exactly `env` (plus PATH).
 */
export function runMemoryChild(options: {
  readonly nodeArgs: readonly string[];
  readonly bundlePath: string;
  readonly eventFile: string;
  readonly env: Readonly<Record<string, string>>;
}): Promise<MemoryChildResult | MemoryChildCrash> {
  const child = spawn(
    process.execPath,
    [
      ...options.nodeArgs,
      fileURLToPath(new URL('./memoryChild.mjs', import.meta.url)),
      options.bundlePath,
      options.eventFile,
    ],
    { env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-2_000);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trimEnd().split('\n').at(-1) ?? '';
      if (code === 0) {
        try {
          resolve(JSON.parse(last) as MemoryChildResult);
          return;
        } catch {
          // Fall through: exited 0 without a result line.
        }
      }
      resolve({
        crashed: true,
        exit: signal ?? `code ${code}`,
        stderr: err.trim().split('\n').slice(-3).join(' '),
      });
    });
  });
}
