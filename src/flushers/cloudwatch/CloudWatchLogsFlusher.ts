import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FlushError } from '../../errors.ts';
import type { Flusher, FlusherContext, FlushOptions, StopOptions } from '../../flusher/Flusher.ts';
import { FlusherLifecycle } from '../../flusher/FlusherLifecycle.ts';
import type { LogGroup } from '../../protocol/LogGroup.ts';
import type { QuarantineSink } from '../../quarantine/QuarantineSink.ts';
import type { DurableKeys } from '../../shared/DurableKeys.ts';
import { runWorkers } from '../../shared/runWorkers.ts';
import { type Batch, packBatches, splitByWindow } from './batcher.ts';
import { batchKey, eventFields, groupIdentities, storedBatchesOf } from './batchKey.ts';
import { CloudWatchLogsWriter } from './CloudWatchLogsWriter.ts';
import type { CloudWatchLogsConfig } from './config.ts';
import { buildStreamEvents, type CwlEvent, type StreamEvents } from './events.ts';
import { processResourceCache, type ResourceCache } from './ResourceCache.ts';
import { countRefusals, RefusalStage, type RefusedEvent, refusedEventEntries } from './refusedEvents.ts';

/** What the flusher is built with besides its configuration. */
export interface CloudWatchLogsFlusherDeps {
  readonly client: CloudWatchLogsClient;
  /** Destroy the client on `stop` (true when the flusher created it). Default false. */
  readonly ownsClient?: boolean;
  /** What exists, across flusher instances. Default: the process-wide cache. */
  readonly cache?: ResourceCache;
  /** The clock used for the time-window check. Default `Date.now`. */
  readonly now?: () => number;
  /** Randomness for backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** The batches known stored, across flusher instances. Default: the client's process-wide memory. */
  readonly storedBatches?: DurableKeys;
}

interface Job {
  readonly stream: StreamEvents;
  readonly batch: Batch<CwlEvent>;
}

/**
 * Flushes LogGroups to CloudWatch Logs with PutLogEvents. Events are routed to a log group and
 * stream by the name templates, checked against the service's time window and size limit (refused
 * events go to the quarantine sink with their reason), sorted and packed into the fewest valid
 * requests, and sent with bounded parallelism (several at once to one stream: sequence tokens are
 * gone). Events the service reports in `rejectedLogEventsInfo` are quarantined too. `flush`
 * resolves only when every event is stored or durably quarantined.
 *
 * @example
 * ```ts
 * const flusher = new CloudWatchLogsFlusher(cloudWatchConfigFromEnv(), { client: new CloudWatchLogsClient({}) });
 * await flusher.init(context);
 * await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds, signal });
 * ```
 */
export class CloudWatchLogsFlusher implements Flusher {
  readonly #lifecycle = new FlusherLifecycle('cloudwatch-logs');
  readonly #config: CloudWatchLogsConfig;
  readonly #deps: CloudWatchLogsFlusherDeps;
  #writer: CloudWatchLogsWriter | undefined;

  constructor(config: CloudWatchLogsConfig, deps: CloudWatchLogsFlusherDeps) {
    this.#config = config;
    this.#deps = deps;
  }

  async init(context: FlusherContext): Promise<void> {
    this.#lifecycle.init(context);
    const config = this.#config;
    this.#writer = new CloudWatchLogsWriter({
      client: this.#deps.client,
      create: config.create,
      retentionDays: config.retentionDays,
      kmsKeyId: config.kmsKeyId,
      cache: this.#deps.cache ?? processResourceCache,
      backoff: config.backoff,
      // After setUrgent the deadline is near (or the process is exiting): no more backoff waits.
      mayWait: () => this.#lifecycle.urgent === undefined,
      logger: context.logger,
      metrics: context.metrics,
      random: this.#deps.random,
    });
  }

  description(): string {
    return `cloudwatch-logs: PutLogEvents to ${this.#config.logGroup.template} / ${this.#config.logStream.template}`;
  }

  isReady(): boolean {
    return !this.#lifecycle.stopped;
  }

  flush(
    project: string,
    logstore: string,
    configName: string,
    logGroups: readonly LogGroup[],
    options?: FlushOptions,
  ): Promise<void> {
    return this.#lifecycle.run(options?.signal, async (signal) => {
      const { context } = this.#lifecycle;
      const config = this.#config;
      const streams = buildStreamEvents(logGroups, {
        project,
        logstore,
        configName,
        logGroup: config.logGroup,
        logStream: config.logStream,
        messageKey: config.messageKey,
      });
      const window = { now: (this.#deps.now ?? Date.now)(), retentionDays: config.retentionDays };
      const refused: RefusedEvent[] = [];
      const jobs: Job[] = [];
      for (const stream of streams) {
        const { accepted, refused: outOfWindow } = splitByWindow(stream.events, window);
        for (const { event, kind } of outOfWindow) {
          refused.push(refusal(stream, event, kind, RefusalStage.beforeSend));
        }
        for (const batch of packBatches(accepted)) jobs.push({ stream, batch });
      }
      const where = {
        logGroups,
        recordIds: keyedRecordIds(options?.recordIds, logGroups),
        project,
        logstore,
      };
      // Refusals known before sending are quarantined first: if that fails, nothing was stored twice.
      await this.#quarantine(refused, where, signal);

      const storedBatches = this.#deps.storedBatches ?? storedBatchesOf(this.#deps.client);
      const identities = where.recordIds === undefined ? undefined : groupIdentities(where.recordIds);
      // A record's groups bound for other destinations are flushed by other calls, numbered apart.
      const destination = [project, logstore, configName, options?.logstoreKey ?? ''];
      const byService: RefusedEvent[] = [];
      const storedOnceQuarantined: string[] = [];
      let stored = 0;
      let skipped = 0;
      await runWorkers(jobs, config.concurrency, signal, async ({ stream, batch }, jobSignal) => {
        const { logGroupName, logStreamName } = stream;
        const key =
          identities === undefined
            ? undefined
            : batchKey(logGroupName, logStreamName, eventFields(destination, batch.events, identities));
        if (key !== undefined && storedBatches.has(key)) {
          skipped += batch.events.length;
          return;
        }
        const events = batch.events.map(({ timestamp, message }) => ({ timestamp, message }));
        const rejected = await this.#writer!.put(logGroupName, logStreamName, events, jobSignal);
        for (const { index, kind } of rejected) {
          byService.push(refusal(stream, batch.events[index]!, kind, RefusalStage.byService));
        }
        stored += events.length - rejected.length;
        // A batch with refused events counts as done only once those are quarantined too.
        if (key !== undefined) {
          if (rejected.length === 0) storedBatches.add(key);
          else storedOnceQuarantined.push(key);
        }
      });
      context.metrics.addMetric('CloudWatchLogsEventsStored', 'Count', stored);
      if (skipped > 0) context.metrics.addMetric('CloudWatchLogsEventsAlreadyStored', 'Count', skipped);
      await this.#quarantine(byService, where, signal);
      for (const key of storedOnceQuarantined) storedBatches.add(key);
    });
  }

  /** Quarantine refused events (grouped per source record); rejects if any entry could not be written. */
  async #quarantine(
    refused: readonly RefusedEvent[],
    where: Parameters<typeof refusedEventEntries>[1],
    signal: AbortSignal,
  ): Promise<void> {
    if (refused.length === 0) return;
    // Without a quarantine, refused events could only be dropped: hand the records back instead.
    const quarantine = requireQuarantine(this.#lifecycle.context.quarantine);
    const entries = refusedEventEntries(refused, where);
    await runWorkers(entries, this.#config.concurrency, signal, async (entry, entrySignal) => {
      try {
        await quarantine.put(entry, entrySignal);
      } catch (error) {
        if (entrySignal.aborted) throw error;
        throw new FlushError(
          `cloudwatch-logs: could not quarantine refused events of record ${entry.recordId}`,
          true,
          { cause: error },
        );
      }
    });
    const { metrics, logger } = this.#lifecycle.context;
    countRefusals(refused, metrics);
    logger.warn('cloudwatch-logs: refused events quarantined', {
      events: refused.length,
      entries: entries.length,
      quarantine: quarantine.description(),
    });
  }

  setUrgent(flag: boolean): void {
    this.#lifecycle.setUrgent(flag);
  }

  stop(options?: StopOptions): Promise<void> {
    return this.#lifecycle.stop(options, () => {
      if (this.#deps.ownsClient) this.#deps.client.destroy();
    });
  }
}

function refusal(
  stream: StreamEvents,
  event: CwlEvent,
  kind: RefusedEvent['kind'],
  stage: RefusalStage,
): RefusedEvent {
  return { event, kind, stage, logGroupName: stream.logGroupName, logStreamName: stream.logStreamName };
}

/** Record ids usable as event identities: one per LogGroup, or none at all. */
function keyedRecordIds(
  recordIds: readonly string[] | undefined,
  logGroups: readonly LogGroup[],
): readonly string[] | undefined {
  return recordIds !== undefined && recordIds.length === logGroups.length ? recordIds : undefined;
}

function requireQuarantine(quarantine: QuarantineSink | undefined): QuarantineSink {
  if (quarantine === undefined) {
    throw new FlushError(
      'cloudwatch-logs: CloudWatch Logs refuses some events and no quarantine sink is configured; ' +
        'the records are handed back instead of dropping those events',
      false,
    );
  }
  return quarantine;
}
