import { setTimeout as sleep } from 'node:timers/promises';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsEvent, sqsMessage } from '../helpers/events.ts';
import type { Random } from '../helpers/random.ts';
import {
  type EnvironmentOptions,
  emptyInvocationStats,
  InProcessEnvironment,
  type InvocationStats,
  type InvokeOutcome,
  type LambdaHandler,
} from './InProcessEnvironment.ts';
import type { KinesisShardFeed } from './KinesisShardFeed.ts';
import type { SqsFifoQueue } from './SqsFifoQueue.ts';
import type { Delivery, Settlement, SqsStandardQueue } from './SqsStandardQueue.ts';

/** How a lane's event source mapping drives its function. */
export interface LaneDriverOptions {
  /** Invocations in flight at once (SQS: concurrent pollers; Kinesis: one per shard, this is ignored). */
  readonly concurrency: number;
  /** Largest batch (the mapping's BatchSize): SQS batches are drawn in 1..maxBatch, Kinesis ones always take maxBatch. */
  readonly maxBatch: number;
  /** A record received more often than this (or a Kinesis checkpoint retried more often) stops the lane: no convergence. */
  readonly maxReceives: number;
  /** Wall-clock time after which the lane stops, converged or not (ms since the epoch, `Date.now()`). */
  readonly stopAt: number;
  /** Kinesis: pause before reading again from a checkpoint that did not move (Lambda polls a shard about once a second). */
  readonly retryDelayMs: { readonly min: number; readonly max: number };
  readonly environment: EnvironmentOptions;
}

/** What driving a lane observed, besides what the queue and destinations hold. */
export interface LaneRun {
  readonly invocations: InvocationStats;
  /** Responses Lambda would refuse (unknown, empty or malformed item identifiers). */
  readonly invalidResponses: string[];
  /** Why the lane stopped before every record was acked. */
  stoppedBecause: string | undefined;
  readonly zombies: Promise<unknown>[];
}

const newRun = (): LaneRun => ({
  invocations: emptyInvocationStats(),
  invalidResponses: [],
  stoppedBecause: undefined,
  zombies: [],
});

/** Poll an SQS queue (standard or FIFO) with `concurrency` pollers until it is drained or the lane stops. */
export async function driveSqsLane(
  queue: SqsStandardQueue | SqsFifoQueue,
  create: () => LambdaHandler<SQSEvent, SQSBatchResponse>,
  random: Random,
  options: LaneDriverOptions,
): Promise<LaneRun> {
  const run = newRun();
  const poller = async (n: number) => {
    const environment = new InProcessEnvironment(
      create,
      random.fork(`environment-${n}`),
      options.environment,
      run.invocations,
    );
    while (!queue.drained && run.stoppedBecause === undefined) {
      if (Date.now() > options.stopAt) {
        run.stoppedBecause = 'time limit reached';
        break;
      }
      const batch = queue.receive(random.int(1, options.maxBatch));
      if (batch.length === 0) {
        await sleep(5);
        continue;
      }
      const worst = batch.reduce((max, d) => Math.max(max, d.receiveCount), 0);
      if (worst > options.maxReceives) {
        run.stoppedBecause = `a message was received ${worst} times (limit ${options.maxReceives})`;
        queue.settle(batch, { kind: 'all-failed' });
        break;
      }
      const event = sqsEvent(
        batch.map(({ record }) =>
          sqsMessage(record.body, {
            messageId: record.id,
            groupId: record.groupId,
            attributes: record.attributes,
          }),
        ),
      );
      const outcome = await environment.invoke(event);
      queue.settle(batch, sqsSettlement(outcome, batch, run));
    }
    run.zombies.push(...environment.zombies);
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, n) => poller(n)));
  return run;
}

/** What Lambda does with an SQS batch after this outcome (ReportBatchItemFailures). */
function sqsSettlement(
  outcome: InvokeOutcome<SQSBatchResponse>,
  batch: readonly Delivery[],
  run: LaneRun,
): Settlement {
  if (outcome.kind !== 'answer') return { kind: 'all-failed' };
  const failures: unknown = outcome.response?.batchItemFailures;
  if (failures === undefined || failures === null) {
    // Lambda reads a missing list (or no response at all) as "everything succeeded".
    run.invalidResponses.push(`no batchItemFailures list: ${String(JSON.stringify(outcome.response))}`);
    return { kind: 'partial', failedIds: new Set() };
  }
  const ids = new Set(batch.map(({ record }) => record.id));
  const listed = Array.isArray(failures) ? (failures as Array<{ itemIdentifier?: unknown }>) : undefined;
  // Lambda fails the whole batch when an item identifier is empty, unknown or not a string.
  if (
    listed === undefined ||
    listed.some((f) => typeof f?.itemIdentifier !== 'string' || !ids.has(f.itemIdentifier))
  ) {
    run.invalidResponses.push(JSON.stringify(outcome.response).slice(0, 300));
    return { kind: 'all-failed' };
  }
  const failedIds = new Set(listed.map((f) => f.itemIdentifier as string));
  if (failedIds.size !== listed.length)
    run.invalidResponses.push(`an id listed twice: ${JSON.stringify(listed)}`);
  return { kind: 'partial', failedIds };
}

/** Read every shard from its checkpoint, one invocation at a time per shard, until all are drained or the lane stops. */
export async function driveKinesisLane(
  feeds: readonly KinesisShardFeed[],
  create: () => LambdaHandler<KinesisStreamEvent, KinesisStreamBatchResponse>,
  random: Random,
  options: LaneDriverOptions,
): Promise<LaneRun> {
  const run = newRun();
  const shard = async (feed: KinesisShardFeed) => {
    const environment = new InProcessEnvironment(
      create,
      random.fork(`environment-${feed.shardId}`),
      options.environment,
      run.invocations,
    );
    // How long the invocations at the current checkpoint took: says why a stuck shard is stuck.
    let stuck: number[] = [];
    while (!feed.drained && run.stoppedBecause === undefined) {
      if (Date.now() > options.stopAt) {
        run.stoppedBecause = 'time limit reached';
        break;
      }
      // A shard with a backlog: every batch is as large as the mapping allows, so a batch retried
      // from an unmoved checkpoint holds the same records as before (and finds its objects written).
      const { event, batch } = await feed.read(options.maxBatch);
      if (feed.maxAttemptsAtCheckpoint > options.maxReceives) {
        const slow = stuck.filter((ms) => ms >= 100);
        run.stoppedBecause =
          `${feed.shardId}: the checkpoint did not move in ${options.maxReceives} invocations ` +
          `(${stuck.length - slow.length} answered within 100 ms` +
          `${slow.length > 0 ? `, ${slow.length} took ${Math.round(Math.min(...slow))}–${Math.round(Math.max(...slow))} ms` : ''})`;
        break;
      }
      const outcome = await environment.invoke(event);
      const acked = feed.acked.size;
      feed.settle(batch, outcome.kind === 'answer' ? { response: outcome.response } : undefined);
      if (feed.acked.size > acked) {
        stuck = [];
        continue;
      }
      stuck.push(outcome.elapsedMs);
      await sleep(random.int(options.retryDelayMs.min, options.retryDelayMs.max));
    }
    run.invalidResponses.push(...feed.invalidResponses);
    run.zombies.push(...environment.zombies);
  };
  await Promise.all(feeds.map(shard));
  return run;
}
