import { randomUUID } from 'node:crypto';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { FlushError } from '../../errors.ts';
import type { Flusher, FlusherContext, FlushOptions, StopOptions } from '../../flusher/Flusher.ts';
import { FlusherLifecycle } from '../../flusher/FlusherLifecycle.ts';
import type { LogGroup } from '../../protocol/LogGroup.ts';
import { DurableKeys } from '../../shared/DurableKeys.ts';
import { runWorkers } from '../../shared/runWorkers.ts';
import { settleWithin } from '../../shared/settleWithin.ts';
import { buildPartitionObject, type FlushJob } from './buildPartitionObject.ts';
import { CircuitBreaker } from './CircuitBreaker.ts';
import type { S3Config } from './config.ts';
import { createS3Client } from './createS3Client.ts';
import { estimateRawBytes } from './estimateRawBytes.ts';
import { countsAgainstDestination, type FlushAttempt } from './flushAttempt.ts';
import { KeyTemplate } from './keyTemplate.ts';
import { objectExtension } from './objectLayout.ts';
import { objectSettings, type S3ObjectSettings } from './objectSettings.ts';
import { type Partition, partitionByHour } from './partitionByHour.ts';
import {
  ABORT_UPLOAD_TIMEOUT_MS,
  CREATE_UPLOAD_GRACE_MS,
  S3WriteOutcome,
  writeObjectIfAbsent,
} from './writeObjectIfAbsent.ts';

/** Options of {@link createS3Flusher} beyond the configuration. */
export interface S3FlusherOptions {
  /** Use this client instead of creating one from the configuration. The caller then owns (and destroys) it. */
  readonly client?: S3Client | undefined;
  /** Extra settings for the client created from the configuration (credentials, logger, …). */
  readonly clientConfig?: S3ClientConfig | undefined;
  /**
   * The circuit breaker to use. Pass one kept at module scope to share it between the flusher
   * instances of an execution environment; by default each flusher has its own.
   */
  readonly breaker?: CircuitBreaker | undefined;
  /**
   * The memory of keys S3 confirmed. Pass one kept at module scope so a flusher that replaces one
   * retired at a deadline goes on where it stopped; by default each flusher has its own.
   */
  readonly durableKeys?: DurableKeys | undefined;
}

/**
 * Upper bound on how long `stop` waits for aborted writes to finish cleaning up: a
 * CreateMultipartUpload let finish after the abort, then AbortMultipartUpload.
 */
const CLEANUP_WAIT_MS = CREATE_UPLOAD_GRACE_MS + ABORT_UPLOAD_TIMEOUT_MS + 1_000;

/**
 * Writes each flush as one object per UTC hour of log time and key folder, under the keys of the
 * key template (by default Hive-style: `${prefix}${project}/${logstore}/dt=YYYY-MM-DD/hour=HH/<id>.jsonl.gz`), with
 * `If-None-Match: *` so a redelivered batch never creates a second object. `flush` resolves only
 * once S3 has confirmed every object. Not ready while the in-flight byte budget is used up or the
 * circuit breaker is open.
 *
 * @example
 * ```ts
 * const flusher = createS3Flusher(s3ConfigFromEnv(process.env));
 * await flusher.init(context);
 * await flusher.flush('shop', 'nginx', 'cfg', logGroups, { recordIds, signal });
 * ```
 */
export class S3Flusher implements Flusher {
  readonly #lifecycle = new FlusherLifecycle('s3');
  readonly #config: S3Config;
  readonly #client: S3Client;
  readonly #ownsClient: boolean;
  readonly #breaker: CircuitBreaker;
  readonly #durable: DurableKeys;
  readonly #settings: S3ObjectSettings;
  readonly #template: KeyTemplate;
  /** Write work still running, including cleanup after its flush was already rejected by an abort. */
  readonly #writes = new Set<Promise<unknown>>();
  #inFlightBytes = 0;

  constructor(config: S3Config, options: S3FlusherOptions = {}) {
    this.#config = config;
    this.#client = options.client ?? createS3Client(config, options.clientConfig);
    this.#ownsClient = options.client === undefined;
    this.#breaker =
      options.breaker ??
      new CircuitBreaker({
        failureThreshold: config.breakerFailureThreshold,
        cooldownMs: config.breakerCooldownMs,
      });
    this.#durable = options.durableKeys ?? new DurableKeys();
    this.#settings = objectSettings(config);
    this.#template = KeyTemplate.parse(config.keyTemplate);
  }

  async init(context: FlusherContext): Promise<void> {
    this.#lifecycle.init(context);
  }

  description(): string {
    const { bucket, keyPrefix, format, compression } = this.#config;
    const layout = this.#template.describe();
    return `s3: s3://${bucket}/${keyPrefix}${layout}<id>${objectExtension(format, compression)}`;
  }

  isReady(_project?: string, _logstore?: string, _logstoreKey?: string): boolean {
    return (
      !this.#lifecycle.stopped &&
      this.#inFlightBytes < this.#config.maxInflightBytes &&
      this.#breaker.allows()
    );
  }

  /** Bytes (estimated, uncompressed) that flushes in progress hold. */
  get inFlightBytes(): number {
    return this.#inFlightBytes;
  }

  async flush(
    project: string,
    logstore: string,
    configName: string,
    logGroups: readonly LogGroup[],
    options?: FlushOptions,
  ): Promise<void> {
    const job: FlushJob = {
      project,
      logstore,
      groups: logGroups,
      recordIds: options?.recordIds,
      configName,
      logstoreKey: options?.logstoreKey ?? '',
      nonce: randomUUID(),
    };
    const attempt: FlushAttempt = { sent: 0, confirmed: 0 };
    try {
      await this.#lifecycle.run(options?.signal, (signal) => this.#track(this.#write(job, signal, attempt)));
    } catch (error) {
      if (countsAgainstDestination(error, attempt) && this.#breaker.recordFailure()) {
        this.#lifecycle.context.logger.warn('s3: circuit breaker opened: reporting not ready', {
          bucket: this.#config.bucket,
          cooldownMs: this.#config.breakerCooldownMs,
          error: (error as Error).message,
        });
        this.#lifecycle.context.metrics.addMetric('S3CircuitOpened', 'Count', 1);
      }
      throw error;
    }
  }

  setUrgent(flag: boolean): void {
    this.#lifecycle.setUrgent(flag);
  }

  stop(options?: StopOptions): Promise<void> {
    return this.#lifecycle.stop(options, () => this.#release());
  }

  async #write(job: FlushJob, signal: AbortSignal, attempt: FlushAttempt): Promise<void> {
    if (!this.#breaker.allows()) {
      throw new FlushError(
        `s3: circuit breaker open after repeated failures writing to ${this.#config.bucket}`,
        true,
      );
    }
    let partitions: Partition[];
    try {
      partitions = partitionByHour(job.groups, {
        template: this.#template,
        route: job,
        maxValues: this.#config.maxPartitions,
      });
    } catch (error) {
      throw new FlushError(`s3: cannot write these logs: ${(error as Error).message}`, false, {
        cause: error,
      });
    }
    if (partitions.length === 0) return;
    const bytes = estimateRawBytes(job.groups);
    this.#inFlightBytes += bytes;
    try {
      await runWorkers(partitions, this.#config.uploadConcurrency, signal, (partition, workerSignal) =>
        this.#writePartition(job, partition, workerSignal, attempt),
      );
      // Objects all known from before say nothing about S3 now: leave the breaker as it is.
      if (attempt.confirmed > 0) this.#breaker.recordSuccess();
    } finally {
      this.#inFlightBytes -= bytes;
    }
  }

  async #writePartition(
    job: FlushJob,
    partition: Partition,
    signal: AbortSignal,
    attempt: FlushAttempt,
  ): Promise<void> {
    const { bucket } = this.#config;
    const object = await buildPartitionObject(job, partition, this.#config, signal);
    const { key } = object;
    const { logger, metrics } = this.#lifecycle.context;
    const memoryKey = `${bucket}/${key}`;
    if (this.#durable.has(memoryKey)) {
      metrics.addMetric('S3ObjectsAlreadyPresent', 'Count', 1);
      logger.debug('s3: object durable', { key, outcome: 'confirmed-earlier', logs: partition.logCount });
      return;
    }
    attempt.sent++;
    const outcome = await writeObjectIfAbsent(
      this.#client,
      { bucket, key, body: object.body, ...object.headers, settings: this.#settings },
      {
        multipartThresholdBytes: this.#config.multipartThresholdBytes,
        partSizeBytes: this.#config.partSizeBytes,
        uploadConcurrency: this.#config.uploadConcurrency,
        signal,
        urgent: () => this.#lifecycle.urgent !== undefined,
      },
    );
    attempt.confirmed++;
    // Unkeyed objects never come back under the same key: nothing to remember.
    if (object.keyed) this.#durable.add(memoryKey);
    if (outcome === S3WriteOutcome.created) {
      metrics.addMetric('S3ObjectsWritten', 'Count', 1);
      metrics.addMetric('S3BytesWritten', 'Bytes', object.body.length);
    } else {
      metrics.addMetric('S3ObjectsAlreadyPresent', 'Count', 1);
    }
    logger.debug('s3: object durable', {
      key,
      outcome,
      logs: partition.logCount,
      rawBytes: object.rawBytes,
      bytes: object.body.length,
    });
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#writes.add(work);
    const forget = () => this.#writes.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** After the lifecycle aborted what was left: let aborted writes finish their cleanup, then close the client. */
  async #release(): Promise<void> {
    if (this.#writes.size > 0) await settleWithin(Promise.allSettled([...this.#writes]), CLEANUP_WAIT_MS);
    if (this.#ownsClient) this.#client.destroy();
  }
}

/**
 * Create the S3 flusher from a validated configuration (see `s3ConfigFromEnv`).
 *
 * @example
 * ```ts
 * const flusher = createS3Flusher(s3ConfigFromEnv(process.env));
 * ```
 */
export function createS3Flusher(config: S3Config, options: S3FlusherOptions = {}): S3Flusher {
  return new S3Flusher(config, options);
}
