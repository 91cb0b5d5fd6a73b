import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { FlusherContext, FlusherLogger } from '../flusher/Flusher.ts';
import type { FlusherMatch, PipelineFlusher } from '../pipeline/PipelineFlusher.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';
import { DurableKeys } from '../shared/DurableKeys.ts';
import type { SourceRecord } from '../sources/SourceRecord.ts';
import { FlusherHolder } from './FlusherHolder.ts';
import { InvocationMetrics } from './InvocationMetrics.ts';

/** What every flusher of the environment shares; each slot adds its name to it. */
export interface SharedFlusherContext extends Omit<FlusherContext, 'metrics'> {
  readonly logger: FlusherLogger;
}

/**
 * One pipeline flusher in an execution environment: its holder (init once, retire at a deadline),
 * its metrics, and its memory of the parts of not-acked records it has already made durable, so
 * a redelivery sends only what the failed flushers still owe.
 *
 * The memory is written only for records the invocation did not ack (an acked record does not
 * come back), so a batch where everything succeeds costs no memory and no lookups.
 */
export class FlusherSlot {
  readonly holder: FlusherHolder;
  readonly match: FlusherMatch | undefined;
  /** Runtime and flusher metrics since the last publish. */
  readonly metrics = new InvocationMetrics();
  readonly #delivered = new DurableKeys();

  /**
   * @param dimension the `flusher` metric dimension and the name put on quarantine entries and logs;
   * `undefined` for the single flusher of a deployment without a pipeline (its metrics, logs and
   * quarantine entries keep the shape they had before pipelines).
   */
  constructor(
    readonly name: string,
    readonly dimension: string | undefined,
    pipelineFlusher: PipelineFlusher,
    shared: () => SharedFlusherContext,
  ) {
    this.match = pipelineFlusher.match;
    this.holder = new FlusherHolder(pipelineFlusher.flusher, () => this.#context(shared()));
  }

  delivered(destinationKey: string, record: SourceRecord): boolean {
    return this.#delivered.size > 0 && this.#delivered.has(deliveredKey(destinationKey, record));
  }

  remember(destinationKey: string, record: SourceRecord): void {
    this.#delivered.add(deliveredKey(destinationKey, record));
  }

  /** Publish this flusher's metrics: with its dimension as a blob of their own, or into the next blob. */
  publish(metrics: Metrics): void {
    if (this.metrics.empty) return;
    if (this.dimension === undefined) {
      this.metrics.drainInto(metrics);
      return;
    }
    metrics.addDimension('flusher', this.dimension);
    this.metrics.drainInto(metrics);
    metrics.publishStoredMetrics();
  }

  #context(shared: SharedFlusherContext): FlusherContext {
    const addMetric: FlusherContext['metrics']['addMetric'] = (name, unit, value) =>
      this.metrics.add({ name, unit }, value);
    const name = this.dimension;
    if (name === undefined) return { ...shared, metrics: { addMetric } };
    return {
      ...shared,
      metrics: { addMetric },
      logger: withKeys(shared.logger, { flusher: name }),
      quarantine: shared.quarantine === undefined ? undefined : named(shared.quarantine, name),
    };
  }
}

/** Stable across redeliveries: the record's id within its order key (a Kinesis shard), and where its part went. */
function deliveredKey(destinationKey: string, record: SourceRecord): string {
  return `${record.orderKey ?? ''}\u0000${record.id}\u0000${destinationKey}`;
}

function withKeys(logger: FlusherLogger, keys: Record<string, unknown>): FlusherLogger {
  return {
    debug: (message, ...extra) => logger.debug(message, keys, ...extra),
    info: (message, ...extra) => logger.info(message, keys, ...extra),
    warn: (message, ...extra) => logger.warn(message, keys, ...extra),
    error: (message, ...extra) => logger.error(message, keys, ...extra),
  };
}

/** The pipeline's quarantine, putting the flusher's name on the entries it writes. */
function named(sink: QuarantineSink, flusher: string): QuarantineSink {
  return {
    put: (entry, signal) => sink.put({ ...entry, flusher }, signal),
    description: () => sink.description(),
  };
}
