import type { KinesisStreamBatchResponse, KinesisStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Env } from '../../src/config/env.ts';
import { handlerOptionsFromEnv } from '../../src/config/handlerOptionsFromEnv.ts';
import type { Flusher } from '../../src/flusher/Flusher.ts';
import type { QuarantineSink } from '../../src/quarantine/QuarantineSink.ts';
import type { HandlerOptions } from '../../src/runtime/HandlerOptions.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import { TEST_BUCKET } from '../fixtures/s3/s3TestEnvironment.ts';
import type { Random } from '../helpers/random.ts';
import type { ChaosCloud } from './ChaosCloud.ts';
import type { LambdaHandler } from './InProcessEnvironment.ts';
import { KinesisShardFeed, putRecords } from './KinesisShardFeed.ts';
import { driveKinesisLane, driveSqsLane, type LaneDriverOptions, type LaneRun } from './laneRunners.ts';
import { ChaosDestination, type ChaosLane, ChaosSource } from './lanes.ts';
import { CHAOS_MAX_DECOMPRESSED_BYTES } from './poisonRecords.ts';
import { type PressureStats, withReadyPressure } from './readyPressure.ts';
import { SqsFifoQueue } from './SqsFifoQueue.ts';
import { SqsStandardQueue } from './SqsStandardQueue.ts';
import type { ChaosRecord } from './workload.ts';

/** Shards of each lane's Kinesis stream (one invocation in flight per shard). */
const KINESIS_SHARDS = 2;
/**
 * Time is compressed about 50× in a chaos run. AWS recommends a visibility timeout of 6× the
 * function timeout (1–3 s here: 6–18 s), so a failed message stays hidden 120–360 ms.
 */
const VISIBILITY = { minMs: 120, maxMs: 360 } as const;
/** The S3 circuit breaker's cooldown, 30 s by default, compressed the same way. */
const BREAKER_COOLDOWN_MS = '600';
/** Time limit of one destination request: longer than any function timeout, so stalls run into the deadline. */
const REQUEST_TIMEOUT_MS = '5000';

/**
 * Replacements for the real flusher or quarantine, only to prove the checker catches a broken one:
 * each flusher and the quarantine sink pass through these.
 */
export interface ChaosDecorations {
  readonly flusher?: (flusher: Flusher) => Flusher;
  readonly quarantine?: (quarantine: QuarantineSink) => QuarantineSink;
}

/** What a lane needs from the run. */
export interface LaneContext {
  readonly random: Random;
  readonly s3Endpoint: string | undefined;
  readonly notReadyShare: number;
  readonly duplicateDeliveryShare: number;
  readonly decorate: ChaosDecorations | undefined;
  readonly driver: LaneDriverOptions;
  readonly onAcked: (count: () => number) => void;
}

/**
 * Run one lane to the end: its function built from the lane's environment variables (a fresh
 * handler per execution environment, as at cold start), its queue or stream simulated, until
 * every record is acked or the lane gives up.
 */
export async function runLane(
  lane: ChaosLane,
  records: readonly ChaosRecord[],
  feeds: KinesisShardFeed[] | undefined,
  context: LaneContext,
): Promise<{
  run: LaneRun;
  acked: ReadonlySet<string>;
  deliveries: number;
  pressure: PressureStats;
  orderViolations: string[];
  elapsedMs: number;
}> {
  const started = performance.now();
  const pressure: PressureStats = { notReady: 0, deadlines: 0 };
  const vars = laneEnv(lane, context.s3Endpoint);
  let environments = 0;
  // Built per execution environment from the environment variables, as functions/* do at cold start.
  const options = (): HandlerOptions => {
    const fromEnv = handlerOptionsFromEnv(vars);
    const random = context.random.fork(`pressure/${environments++}`);
    const { flusher, quarantine } = context.decorate ?? {};
    return {
      ...fromEnv,
      flusher: withReadyPressure(fromEnv.flusher!, random, context.notReadyShare, pressure, flusher),
      quarantine: quarantine ? quarantine(fromEnv.quarantine) : fromEnv.quarantine,
    };
  };
  const driverRandom = context.random.fork('driver');
  if (feeds !== undefined) {
    context.onAcked(() => feeds.reduce((sum, feed) => sum + feed.acked.size, 0));
    const create = () =>
      createKinesisHandler(options()) as LambdaHandler<KinesisStreamEvent, KinesisStreamBatchResponse>;
    const run = await driveKinesisLane(feeds, create, driverRandom, context.driver);
    return {
      run,
      acked: new Set(feeds.flatMap((feed) => [...feed.acked])),
      deliveries: feeds.reduce((sum, feed) => sum + feed.deliveries, 0),
      pressure,
      orderViolations: [],
      elapsedMs: performance.now() - started,
    };
  }
  const queueRandom = context.random.fork('queue');
  const queue =
    lane.source === ChaosSource.fifo
      ? new SqsFifoQueue(records, queueRandom, VISIBILITY)
      : new SqsStandardQueue(records, queueRandom, VISIBILITY, context.duplicateDeliveryShare);
  context.onAcked(() => queue.acked.size);
  const create = () => createSqsHandler(options()) as LambdaHandler<SQSEvent, SQSBatchResponse>;
  const run = await driveSqsLane(queue, create, driverRandom, context.driver);
  return {
    run,
    acked: queue.acked,
    deliveries: queue.deliveries,
    pressure,
    orderViolations:
      queue instanceof SqsFifoQueue
        ? queue.violations.map(
            (v) => `group ${v.groupId}: ${v.acked} deleted while ${v.afterFailed} came back`,
          )
        : [],
    elapsedMs: performance.now() - started,
  };
}

/** Create the lane's stream (two shards) and put every record, as a producer would have. */
export async function prepareStream(cloud: ChaosCloud, lane: ChaosLane, records: readonly ChaosRecord[]) {
  const kinesis = cloud.kinesis!;
  const streamName = `chaos-${lane.name}`;
  const streamArn = await kinesis.createStream(streamName, KINESIS_SHARDS);
  const byShard = await putRecords(kinesis.client, streamName, records);
  return [...byShard].map(
    ([shardId, shardRecords]) =>
      new KinesisShardFeed(kinesis.client, streamName, streamArn, shardId, shardRecords),
  );
}

/** Where a lane's S3 function writes (and quarantines, under `_quarantine/`). */
export const s3Prefix = (lane: ChaosLane) => `chaos/${lane.name}/`;
/** The lane's PROJECT: CloudWatch log groups are `/loggroup-flusher/<project>/<logstore>`. */
export const project = (lane: ChaosLane) => `chaos-${lane.name}`;

/** The function's environment variables for one lane (README "Configuration", S3, CloudWatch Logs). */
function laneEnv(lane: ChaosLane, s3Endpoint: string | undefined): Env {
  const common = {
    ...process.env,
    PROJECT: project(lane),
    LOGSTORE: 'default',
    MAX_DECOMPRESSED_BYTES: String(CHAOS_MAX_DECOMPRESSED_BYTES),
    FLUSH_CONCURRENCY: '4',
    SHUTDOWN_HOOK: 'off',
  };
  if (lane.destination === ChaosDestination.cloudwatch) {
    return {
      ...common,
      FLUSHER: 'cloudwatch-logs',
      CWL_REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS,
      CWL_QUARANTINE_LOG_STREAM: lane.name,
    };
  }
  return {
    ...common,
    FLUSHER: 's3',
    S3_BUCKET: TEST_BUCKET,
    S3_KEY_PREFIX: s3Prefix(lane),
    S3_FORCE_PATH_STYLE: 'true',
    S3_CHECKSUM: 'when_required',
    S3_COMPRESSION: lane.source === ChaosSource.kinesis ? 'zstd' : 'gzip',
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    S3_REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS,
    S3_CONNECT_TIMEOUT_MS: '1000',
    S3_BREAKER_COOLDOWN_MS: BREAKER_COOLDOWN_MS,
  };
}
