import type { LogGroup } from '../protocol/LogGroup.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';

/** The structured logger a flusher may use (Powertools Logger fits it). Never log log contents. */
export interface FlusherLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Units a flusher reports metrics in (a subset of CloudWatch's, so Powertools Metrics fits). */
export type FlusherMetricUnit = 'Count' | 'Bytes' | 'Milliseconds';

/** The metrics sink a flusher may use (Powertools Metrics fits it). */
export interface FlusherMetrics {
  addMetric(name: string, unit: FlusherMetricUnit, value: number): void;
}

/**
 * What `init` receives, once per flusher instance (iLogtail: the pipeline context).
 * project / logstore / configName are the routing defaults of this deployment.
 */
export interface FlusherContext {
  readonly configName: string;
  readonly project: string;
  readonly logstore: string;
  readonly logger: FlusherLogger;
  readonly metrics: FlusherMetrics;
  /**
   * Aborted when the owner gives up on this flusher for good (shutdown). Per-call deadlines come
   * through {@link FlushOptions.signal}.
   */
  readonly signal: AbortSignal;
  /** Where a flusher sends data its destination refuses for good (e.g. CloudWatch's rejected events). */
  readonly quarantine?: QuarantineSink | undefined;
}

/** Per-call information the runtime passes to `flush` beyond iLogtail's four arguments. */
export interface FlushOptions {
  /** Aborted when this invocation's deadline is near: stop waiting, reject with a DeadlineError. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The source record id (SQS messageId, Kinesis sequence number) each LogGroup came from:
   * `recordIds[i]` fed `logGroups[i]` (a record holding several groups repeats). Stable across
   * redeliveries, so destinations derive idempotent names from it and tie refused data to its record.
   */
  readonly recordIds?: readonly string[] | undefined;
  /** The routing key of this group (iLogtail's logstoreKey). */
  readonly logstoreKey?: string | undefined;
}

/** Options of `stop`. */
export interface StopOptions {
  /** How long in-flight flushes may take to finish before they are aborted. Default: abort at once. */
  readonly timeoutMs?: number | undefined;
}

/**
 * The flusher contract, mirroring iLogtail's Go `Flusher` (pkg/pipeline/flusher.go) on Lambda.
 *
 * Lifecycle: `init` once → any number of `isReady`/`flush` → `setUrgent` (optional) → `stop`.
 *
 * @example
 * ```ts
 * const flusher = new StdoutFlusher();
 * await flusher.init(context);
 * if (flusher.isReady('proj', 'store', '')) await flusher.flush('proj', 'store', 'cfg', groups);
 * flusher.setUrgent(true);
 * await flusher.stop({ timeoutMs: 200 });
 * ```
 */
export interface Flusher {
  /**
   * iLogtail: called once with the pipeline context before any data. Lambda: once per execution
   * environment, at the first invocation; the instance then serves warm invocations.
   * Rejects with a ConfigError when the configuration cannot work.
   */
  init(context: FlusherContext): Promise<void>;

  /** iLogtail: a one-line description for logs. Lambda: logged once at init. */
  description(): string;

  /**
   * iLogtail: whether the flusher can take data for this logstore now. Lambda: asked before each
   * group's flush; `false` means "not now" and the runtime hands those records back to the queue
   * without flushing. Cheap and synchronous. Stays true after `setUrgent` so shutdown can drain.
   */
  isReady(project: string, logstore: string, logstoreKey: string): boolean;

  /**
   * iLogtail: write these LogGroups. Lambda: resolves only when every byte is durable at the
   * destination (that is what lets the runtime ack the records); rejects with a FlushError whose
   * `retryable` says whether a retry can help. Rejects with FlusherStoppedError after `stop`.
   */
  flush(
    project: string,
    logstore: string,
    configName: string,
    logGroups: readonly LogGroup[],
    options?: FlushOptions,
  ): Promise<void>;

  /**
   * iLogtail: the flusher will be destroyed soon. Lambda: `false` when the invocation's deadline is
   * near, `true` on SIGTERM (the process is about to exit). Afterwards the flusher stops waiting
   * (no backoff sleeps past the deadline, no new long work) but still accepts and finishes data.
   */
  setUrgent(flag: boolean): void;

  /**
   * Finish or cleanly abort in-flight work within `timeoutMs`, release connections and timers.
   * Idempotent; `flush` after `stop` rejects.
   */
  stop(options?: StopOptions): Promise<void>;
}
