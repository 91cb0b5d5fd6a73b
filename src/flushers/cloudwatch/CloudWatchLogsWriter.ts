import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
  type PutLogEventsCommandOutput,
  PutRetentionPolicyCommand,
  type RejectedLogEventsInfo,
} from '@aws-sdk/client-cloudwatch-logs';
import { FlushError } from '../../errors.ts';
import type { FlusherLogger, FlusherMetrics } from '../../flusher/Flusher.ts';
import { type BackoffPolicy, retryWithBackoff } from '../../shared/backoff.ts';
import { describeError } from '../../shared/describeError.ts';
import { RefusalKind } from './batcher.ts';
import type { ResourceCache } from './ResourceCache.ts';
import {
  isAbortError,
  isAlreadyExists,
  isResourceNotFound,
  isRetryableCloudWatchError,
} from './retryDecision.ts';

/** Options of {@link CloudWatchLogsWriter}. */
export interface CloudWatchLogsWriterOptions {
  readonly client: CloudWatchLogsClient;
  /** Create missing groups and streams (CWL_CREATE). */
  readonly create: boolean;
  readonly retentionDays?: number | undefined;
  readonly kmsKeyId?: string | undefined;
  readonly cache: ResourceCache;
  readonly backoff: BackoffPolicy;
  /** False once waiting is no longer allowed (after setUrgent). */
  readonly mayWait?: () => boolean;
  readonly logger?: FlusherLogger | undefined;
  readonly metrics?: FlusherMetrics | undefined;
  readonly random?: () => number;
}

/** An event PutLogEvents accepted the request for but refused to store (`rejectedLogEventsInfo`). */
export interface RejectedEvent {
  /** Index into the events that were sent. */
  readonly index: number;
  readonly kind: RefusalKind;
}

/**
 * The only part of the CloudWatch Logs destination that calls the SDK. On a stream's first use it
 * calls CreateLogStream, and only when that reports the group missing, CreateLogGroup (with the KMS
 * key) and PutRetentionPolicy; ResourceAlreadyExistsException counts as success, and what exists
 * is remembered in a cache shared across warm invocations. It never calls
 * DescribeLogGroups/DescribeLogStreams. A PutLogEvents that finds its stream gone
 * (ResourceNotFoundException: deleted meanwhile) creates it and retries once. Throttling, 5xx,
 * timeouts and resets are retried with jittered backoff that never outlives the signal.
 *
 * @example
 * ```ts
 * const writer = new CloudWatchLogsWriter({ client, create: true, cache, backoff });
 * const rejected = await writer.put('/app', 'web-1', [{ timestamp: Date.now(), message: 'hi' }], signal);
 * ```
 */
export class CloudWatchLogsWriter {
  readonly #options: CloudWatchLogsWriterOptions;
  /** One creation in flight per stream, shared by the requests that need it. */
  readonly #ensuring = new Map<string, Promise<void>>();

  constructor(options: CloudWatchLogsWriterOptions) {
    this.#options = options;
  }

  /**
   * Send one request's events (valid and in chronological order). Resolves once PutLogEvents
   * succeeded, with the events the service refused; rejects with a FlushError otherwise.
   */
  async put(
    logGroupName: string,
    logStreamName: string,
    events: readonly InputLogEvent[],
    signal: AbortSignal,
  ): Promise<RejectedEvent[]> {
    const { cache, create } = this.#options;
    const where = `${logGroupName} / ${logStreamName}`;
    let recreated = false;
    const send = () =>
      this.#options.client.send(
        new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: [...events] }),
        {
          abortSignal: signal,
        },
      );
    try {
      const output = await this.#retry('PutLogEvents', signal, async () => {
        if (create && !cache.hasStream(logGroupName, logStreamName)) {
          await this.#ensure(logGroupName, logStreamName, signal);
        }
        this.#options.metrics?.addMetric('CloudWatchLogsRequests', 'Count', 1);
        try {
          return await send();
        } catch (error) {
          if (!isResourceNotFound(error) || !create || recreated) throw error;
          // Deleted since we cached it (or a cold cache met a missing stream): create, retry once.
          recreated = true;
          cache.forgetStream(logGroupName, logStreamName);
          await this.#ensure(logGroupName, logStreamName, signal);
          this.#options.metrics?.addMetric('CloudWatchLogsRequests', 'Count', 1);
          return await send();
        }
      });
      cache.addStream(logGroupName, logStreamName);
      return rejectedEvents(output, events.length);
    } catch (error) {
      if (signal.aborted || error instanceof FlushError) throw error;
      if (isResourceNotFound(error)) {
        cache.forgetStream(logGroupName, logStreamName);
        if (!create) {
          throw new FlushError(`cloudwatch-logs: ${where} does not exist and CWL_CREATE is off`, false, {
            cause: error,
          });
        }
        throw new FlushError(`cloudwatch-logs: ${where} still missing after creating it`, true, {
          cause: error,
        });
      }
      throw new FlushError(
        `cloudwatch-logs: PutLogEvents to ${where} failed: ${describeError(error)}`,
        retryable(error),
        { cause: error },
      );
    }
  }

  /** Create the stream (and its group when missing); concurrent callers share one creation. */
  #ensure(logGroupName: string, logStreamName: string, signal: AbortSignal): Promise<void> {
    const key = `${logGroupName}\n${logStreamName}`;
    let ensuring = this.#ensuring.get(key);
    if (ensuring === undefined) {
      ensuring = this.#createStream(logGroupName, logStreamName, signal).finally(() =>
        this.#ensuring.delete(key),
      );
      this.#ensuring.set(key, ensuring);
    }
    return ensuring;
  }

  async #createStream(logGroupName: string, logStreamName: string, signal: AbortSignal): Promise<void> {
    const { cache, client } = this.#options;
    // A group we created (or may have created) whose retention is not set yet: finish that first.
    if (cache.groupCreation(logGroupName) !== undefined) await this.#createGroup(logGroupName, signal);
    const createStream = () =>
      client
        .send(new CreateLogStreamCommand({ logGroupName, logStreamName }), { abortSignal: signal })
        .catch(ignoreExists);
    try {
      await createStream();
    } catch (error) {
      if (!isResourceNotFound(error)) throw error;
      // The stream call is the probe: only a missing group costs a CreateLogGroup.
      cache.forgetGroup(logGroupName);
      await this.#createGroup(logGroupName, signal);
      await createStream();
    }
    cache.addStream(logGroupName, logStreamName);
    this.#options.logger?.debug('cloudwatch-logs: log stream ready', { logGroupName, logStreamName });
  }

  async #createGroup(logGroupName: string, signal: AbortSignal): Promise<void> {
    const { client, kmsKeyId, retentionDays, cache } = this.#options;
    // A group this function creates gets the configured retention; an existing group's retention
    // belongs to whoever made it. "Ours" includes a group our earlier CreateLogGroup created
    // although its answer never came: a retry then finds it existing. The state lives in the
    // process-wide cache, so the next flusher of this environment finishes what a failed attempt left.
    const state = () => cache.groupCreation(logGroupName);
    try {
      await client.send(new CreateLogGroupCommand({ logGroupName, kmsKeyId }), { abortSignal: signal });
      if (retentionDays !== undefined) cache.setGroupCreation(logGroupName, 'retention-pending');
    } catch (error) {
      if (!isAlreadyExists(error)) {
        // No answer may hide a group created anyway; a clear refusal (denied, say) created nothing.
        if (state() !== 'retention-pending') {
          const uncertain = retentionDays !== undefined && retryable(error);
          cache.setGroupCreation(logGroupName, uncertain ? 'create-uncertain' : undefined);
        }
        throw error;
      }
      if (state() === 'create-uncertain') cache.setGroupCreation(logGroupName, 'retention-pending');
    }
    if (retentionDays !== undefined && state() === 'retention-pending') {
      await client.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: retentionDays }), {
        abortSignal: signal,
      });
      cache.setGroupCreation(logGroupName, undefined);
    }
  }

  #retry<T>(operation: string, signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
    const { backoff, mayWait, random, logger, metrics } = this.#options;
    return retryWithBackoff(attempt, {
      policy: backoff,
      signal,
      isRetryable: retryable,
      mayWait,
      random,
      onRetry: (error, attemptNumber, delayMs) => {
        metrics?.addMetric('CloudWatchLogsRetries', 'Count', 1);
        logger?.warn('cloudwatch-logs: retrying', {
          operation,
          attempt: attemptNumber,
          delayMs,
          error: describeError(error),
        });
      },
    });
  }
}

/**
 * Retryable: what the service says may heal, and an abort we did not cause (a creation shared with
 * a caller whose signal fired). Our own aborts never reach this: the signal check comes first.
 */
function retryable(error: unknown): boolean {
  return isRetryableCloudWatchError(error) || isAbortError(error);
}

function ignoreExists(error: unknown): void {
  if (!isAlreadyExists(error)) throw error;
}

/**
 * Expand `rejectedLogEventsInfo` into per-event refusals. Events are sorted, so each kind is a
 * prefix (too old: `[0, tooOldLogEventEndIndex)`, expired: `[0, expiredLogEventEndIndex)`) or a
 * suffix (too new: `[tooNewLogEventStartIndex, n)`); an event in two ranges counts once.
 */
export function rejectedEvents(
  output: Pick<PutLogEventsCommandOutput, 'rejectedLogEventsInfo'>,
  count: number,
): RejectedEvent[] {
  const info: RejectedLogEventsInfo | undefined = output.rejectedLogEventsInfo;
  if (info === undefined) return [];
  const rejected: RejectedEvent[] = [];
  const tooOldEnd = clampIndex(info.tooOldLogEventEndIndex, count, 0);
  const expiredEnd = clampIndex(info.expiredLogEventEndIndex, count, 0);
  const tooNewStart = clampIndex(info.tooNewLogEventStartIndex, count, count);
  for (let index = 0; index < Math.max(tooOldEnd, expiredEnd); index++) {
    rejected.push({ index, kind: index < tooOldEnd ? RefusalKind.tooOld : RefusalKind.expired });
  }
  for (let index = Math.max(tooNewStart, tooOldEnd, expiredEnd); index < count; index++) {
    rejected.push({ index, kind: RefusalKind.tooNew });
  }
  return rejected;
}

function clampIndex(value: number | undefined, count: number, fallback: number): number {
  if (value === undefined || !Number.isInteger(value)) return fallback;
  return Math.min(Math.max(value, 0), count);
}
