import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { ConfigError } from '../errors.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, InputFormat } from '../input/decodePayload.ts';
import type { PipelineFlusher } from '../pipeline/PipelineFlusher.ts';
import { validatePipelineFlushers } from '../pipeline/validatePipelineFlushers.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';
import type { FlusherSource } from './FlusherHolder.ts';
import { DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS } from './shutdownHook.ts';

/** Default number of flush calls in flight at once per flusher (and of quarantine writes) per invocation. */
export const DEFAULT_CONCURRENCY = 4;

/** Decode budget of a batch where the function's memory size is unknown (local runs). */
export const FALLBACK_MAX_BATCH_DECODED_BYTES = 64 * 1024 * 1024;

/**
 * The default decode budget of a batch: an eighth of the function's memory
 * (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, MB), since decoded LogGroups take 3–5 times their bytes as
 * objects; {@link FALLBACK_MAX_BATCH_DECODED_BYTES} where it is not set.
 */
export function defaultMaxBatchDecodedBytes(
  memoryMb: number = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE),
): number {
  return Number.isFinite(memoryMb) && memoryMb > 0
    ? Math.floor((memoryMb * 1024 * 1024) / 8)
    : FALLBACK_MAX_BATCH_DECODED_BYTES;
}

/** Options of `createSqsHandler` / `createKinesisHandler`. */
export interface HandlerOptions {
  /**
   * The flusher, or (preferred) a factory making one: a flusher stopped at a deadline is then
   * replaced by a fresh one for the next invocation. A plain instance cannot be replaced: at a
   * deadline it is only made urgent, and stays so for the rest of the environment: it skips its own
   * retry waits from then on, so more of its records come back from the queue. Created and
   * `init`ed once per environment. Give either `flusher` or `flushers`.
   */
  readonly flusher?: FlusherSource;
  /**
   * The pipeline: several flushers, each acked and retried on its own (README "Pipelines"). A
   * record is acked once every flusher its data routes to has made it durable. Give either
   * `flusher` or `flushers`.
   */
  readonly flushers?: readonly PipelineFlusher[];
  /** Durable home of poison records; a record is acked only after its entry is written. */
  readonly quarantine: QuarantineSink;
  /**
   * Routing defaults, overridden per record or per LogGroup (README "Routing"). Default:
   * {@link DEFAULT_PROJECT} and {@link DEFAULT_LOGSTORE} for project and logstore, `''` for the others.
   */
  readonly project?: string;
  readonly logstore?: string;
  readonly configName?: string;
  readonly logstoreKey?: string;
  /** Payload format; `auto` (default) detects it per record. */
  readonly inputFormat?: InputFormat;
  /** Largest size a record may inflate to. Default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}. */
  readonly maxDecompressedBytes?: number;
  /**
   * Decoded bytes (after base64 and decompression) one batch may hold. Once reached, the rest of
   * the batch is not decoded and goes back for retry; a record over it on its own is quarantined
   * as too large, so every batch makes progress. Default {@link defaultMaxBatchDecodedBytes}.
   */
  readonly maxBatchDecodedBytes?: number;
  /**
   * Keep an ordered source's order across destinations (default true): within a FIFO message group
   * or a Kinesis shard, after the first failure nothing later is flushed to any destination, so
   * records bound for other destinations wait for the earlier ones (README "Processing
   * guarantees"). `false`: order per destination only; a shard that interleaves logstores record
   * by record is then flushed in one call per destination instead of many small waves.
   */
  readonly orderAcrossDestinations?: boolean;
  /** Flush calls in flight at once per flusher. Default {@link DEFAULT_CONCURRENCY}. */
  readonly concurrency?: number;
  /**
   * Time before the deadline at which the invocation turns urgent: no new flushes, the flusher is
   * stopped, and the answer returned. Default: 10 % of the invocation's time, within 200 ms–5 s.
   */
  readonly urgencyMarginMs?: number;
  /** Install the process-wide SIGTERM hook (default true; `SHUTDOWN_HOOK=off` in functions/). */
  readonly shutdownHook?: boolean;
  /** What `stop()` gets on SIGTERM. Default {@link DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS}. */
  readonly shutdownTimeoutMs?: number;
  /** Powertools Logger (default: service `loggroup-flusher`). */
  readonly logger?: Logger;
  /** Powertools Metrics (default: namespace `LogGroupFlusher`). */
  readonly metrics?: Metrics;
}

export type ResolvedHandlerOptions = Required<
  Omit<HandlerOptions, 'flusher' | 'urgencyMarginMs' | 'logger' | 'metrics'>
> &
  Pick<HandlerOptions, 'urgencyMarginMs' | 'logger' | 'metrics'> & {
    /** Whether `flushers` was given: its flushers' metrics, logs and quarantine entries carry their names. */
    readonly pipeline: boolean;
  };

/** Project of LogGroups nothing else routes (no tag, no message attribute, no option): never an empty path segment. */
export const DEFAULT_PROJECT = 'default';
/** Logstore of LogGroups nothing else routes. */
export const DEFAULT_LOGSTORE = 'default';

/** The name of the one flusher given as `flusher` (logs only: no metric dimension, no quarantine field). */
export const SINGLE_FLUSHER_NAME = 'default';

/** Merge the defaults once and validate everything up front, naming the option at fault. */
export function resolveHandlerOptions(options: HandlerOptions): ResolvedHandlerOptions {
  if (!options) throw new ConfigError('flusher', 'a Flusher or a factory returning one is required');
  const pipeline = options.flushers !== undefined;
  if (pipeline && options.flusher !== undefined)
    throw new ConfigError('flushers', 'give either flusher or flushers, not both');
  if (!pipeline && typeof options.flusher !== 'object' && typeof options.flusher !== 'function') {
    throw new ConfigError(
      'flusher',
      'a Flusher or a factory returning one is required (or flushers: a pipeline)',
    );
  }
  const { flusher, flushers: given, ...settings } = options;
  const flushers = pipeline
    ? validatePipelineFlushers(given)
    : [{ name: SINGLE_FLUSHER_NAME, flusher: flusher as FlusherSource }];
  if (typeof options.quarantine?.put !== 'function')
    throw new ConfigError('quarantine', 'a QuarantineSink is required');
  const resolved: ResolvedHandlerOptions = {
    project: DEFAULT_PROJECT,
    logstore: DEFAULT_LOGSTORE,
    configName: '',
    logstoreKey: '',
    inputFormat: InputFormat.auto,
    maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
    maxBatchDecodedBytes: defaultMaxBatchDecodedBytes(),
    concurrency: DEFAULT_CONCURRENCY,
    shutdownHook: true,
    orderAcrossDestinations: true,
    shutdownTimeoutMs: DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS,
    ...definedOnly(settings),
    flushers,
    pipeline,
    quarantine: options.quarantine,
  };
  if (!Object.values(InputFormat).includes(resolved.inputFormat)) {
    throw new ConfigError('inputFormat', `must be one of ${Object.values(InputFormat).join(', ')}`);
  }
  positiveInteger(resolved.concurrency, 'concurrency');
  positiveInteger(resolved.maxDecompressedBytes, 'maxDecompressedBytes');
  positiveInteger(resolved.maxBatchDecodedBytes, 'maxBatchDecodedBytes');
  positiveInteger(resolved.shutdownTimeoutMs, 'shutdownTimeoutMs');
  if (resolved.urgencyMarginMs !== undefined) positiveInteger(resolved.urgencyMarginMs, 'urgencyMarginMs');
  return resolved;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ConfigError(name, `must be a positive integer, got ${value}`);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
