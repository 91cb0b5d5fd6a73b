import type { KinesisStreamBatchResponse, KinesisStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handlerOptionsFromEnv } from '../../src/config/handlerOptionsFromEnv.ts';
import type { Flusher } from '../../src/flusher/Flusher.ts';
import type { QuarantineSink } from '../../src/quarantine/QuarantineSink.ts';
import type { FlusherSource } from '../../src/runtime/FlusherHolder.ts';
import type { HandlerOptions } from '../../src/runtime/HandlerOptions.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import type { Random } from '../helpers/random.ts';
import type { ChaosCloud } from './ChaosCloud.ts';
import type { LambdaHandler } from './InProcessEnvironment.ts';
import { KinesisShardFeed, putRecords } from './KinesisShardFeed.ts';
import { laneEnv } from './laneConfig.ts';
import { driveKinesisLane, driveSqsLane, type LaneDriverOptions, type LaneRun } from './laneRunners.ts';
import { type ChaosLane, type ChaosService, ChaosSource, pipelineFlusherName } from './lanes.ts';
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
  /** Where a `both` lane writes its pipeline file. */
  readonly configDirectory: string;
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
  /** Per service: what the ready pressure did to the flusher writing there. */
  pressure: ReadonlyMap<ChaosService, PressureStats>;
  orderViolations: string[];
  elapsedMs: number;
}> {
  const started = performance.now();
  const pressure = new Map(lane.services.map((service) => [service, { notReady: 0, deadlines: 0 }]));
  const vars = await laneEnv(lane, context.s3Endpoint, context.configDirectory);
  let environments = 0;
  // Built per execution environment from the environment variables, as functions/* do at cold start.
  const options = (): HandlerOptions => {
    const fromEnv = handlerOptionsFromEnv(vars);
    const random = context.random.fork(`pressure/${environments++}`);
    const { flusher: decorate, quarantine } = context.decorate ?? {};
    const pressured = (source: FlusherSource, service: ChaosService) =>
      withReadyPressure(
        source,
        random.fork(service),
        context.notReadyShare,
        pressure.get(service)!,
        decorate,
      );
    return {
      ...fromEnv,
      flusher: fromEnv.flusher === undefined ? undefined : pressured(fromEnv.flusher, lane.services[0]!),
      flushers: fromEnv.flushers?.map((pipelineFlusher) => ({
        ...pipelineFlusher,
        flusher: pressured(pipelineFlusher.flusher, serviceOf(lane, pipelineFlusher.name)),
      })),
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

/** The service a pipeline flusher of the lane writes to, found by its name. */
function serviceOf(lane: ChaosLane, name: string): ChaosService {
  const service = lane.services.find((candidate) => pipelineFlusherName(lane, candidate) === name);
  if (service === undefined) throw new Error(`${lane.name}: no service for the pipeline flusher ${name}`);
  return service;
}
