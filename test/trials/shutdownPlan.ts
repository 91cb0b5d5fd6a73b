// How a shutdown trial is drawn: which source, whether its batches make multipart objects, the
// function's settings, the network's latency, how many invocations come first, and when SIGTERM
// comes (between invocations, at a random time into one, or as a given S3 call is on the wire).
import type { S3Operation } from '../fixtures/s3/s3Wire.ts';
import type { Random } from '../helpers/random.ts';
import { SOURCE_KINDS, type SourceKind, type TrialRecord, trialRecords } from './trialRecords.ts';

/** S3's smallest part (5 MiB): a multipart object needs more than this much (uncompressed here) data. */
const MULTIPART_PART_BYTES = 5 * 1024 * 1024;

/** When SIGTERM comes. */
export type SigtermPoint =
  /** After `invocationsBefore` complete invocations, the environment frozen. */
  | { readonly kind: 'idle' }
  /** This long after the next invocation started. */
  | { readonly kind: 'timer'; readonly ms: number }
  /** `jitterMs` after the `nth` S3 call of kind `operation` of the next invocation arrived. */
  | {
      readonly kind: 'request';
      readonly operation: S3Operation;
      readonly nth: number;
      readonly jitterMs: number;
    };

export interface ShutdownTrialPlan {
  readonly trial: number;
  readonly label: string;
  readonly source: SourceKind;
  readonly multipart: boolean;
  readonly env: Readonly<Record<string, string>>;
  /** One-way latency of every S3 call, drawn per call in this range (ms). */
  readonly latencyMs: readonly [number, number];
  readonly batchSize: number;
  readonly records: readonly TrialRecord[];
  readonly invocationsBefore: number;
  readonly point: SigtermPoint;
}

/** Draw one trial. */
export function planShutdownTrial(random: Random, trial: number, runLabel: string): ShutdownTrialPlan {
  const label = `${runLabel}t${trial}`;
  const source = random.pick(SOURCE_KINDS);
  const multipart = random.chance(0.35);
  const batches = random.int(1, 3);
  // Multipart: one logstore and one hour, so a batch is one object; wide tags make its JSON lines
  // about 0.7 KB from a few bytes of input, so 7 records of ~1,500 logs are a 2-part object.
  const batchSize = multipart ? random.int(7, 9) : random.int(3, 10);
  const records = trialRecords(
    random,
    label,
    source,
    multipart
      ? {
          records: batches * batchSize,
          logsPerRecord: [1_400, 1_600],
          logstores: ['app'],
          maxGroupsPerRecord: 1,
          hours: 0,
          wideTags: 8,
        }
      : {
          records: batches * batchSize,
          logsPerRecord: [1, 40],
          logstores: ['app', 'web', 'db', 'auth'].slice(0, random.int(1, 4)),
          maxGroupsPerRecord: 2,
          hours: 3,
        },
  );
  const env: Record<string, string> = {
    S3_KEY_PREFIX: `shutdown/${label}/`,
    FLUSH_CONCURRENCY: String(random.pick([1, 2, 4])),
    S3_COMPRESSION: multipart ? 'none' : random.pick(['gzip', 'none', 'zstd']),
  };
  if (multipart) {
    env.S3_MULTIPART_THRESHOLD_BYTES = String(MULTIPART_PART_BYTES);
    env.S3_PART_SIZE_BYTES = String(MULTIPART_PART_BYTES);
    env.S3_UPLOAD_CONCURRENCY = String(random.pick([1, 2, 4]));
  }
  const base = random.int(2, 60);
  const latencyMs = [Math.round(base / 2), Math.round(base * 1.5)] as const;
  const during = random.chance(0.7);
  const invocationsBefore = random.int(0, during ? batches - 1 : batches);
  let point: SigtermPoint = { kind: 'idle' };
  if (during && multipart && random.chance(0.7)) {
    const operation = random.pick<S3Operation>([
      'CreateMultipartUpload',
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPart',
      'CompleteMultipartUpload',
    ]);
    point = { kind: 'request', operation, nth: 1, jitterMs: random.int(0, latencyMs[1]) };
  } else if (during && !multipart && random.chance(0.35)) {
    point = {
      kind: 'request',
      operation: 'PutObject',
      nth: random.int(1, 3),
      jitterMs: random.int(0, latencyMs[1]),
    };
  } else if (during) {
    point = { kind: 'timer', ms: random.int(0, multipart ? 900 : 60 + 4 * latencyMs[1]) };
  }
  return { trial, label, source, multipart, env, latencyMs, batchSize, records, invocationsBefore, point };
}
