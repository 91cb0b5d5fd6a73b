import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FlusherLogger } from '../flusher/Flusher.ts';
import { raceAbort } from '../flusher/FlusherLifecycle.ts';
import { decodePayload } from '../input/decodePayload.ts';
import { describeError } from '../shared/describeError.ts';
import { settleWithin } from '../shared/settleWithin.ts';
import type { SourceName, SourceRecord } from '../sources/SourceRecord.ts';
import { AckLedger } from './AckLedger.ts';
import { Metric } from './BatchMetrics.ts';
import { Deadline, defaultUrgencyMarginMs } from './Deadline.ts';
import { FlusherSlot } from './FlusherSlot.ts';
import type { DeliveredPart } from './flushCall.ts';
import { type HandlerOptions, resolveHandlerOptions } from './HandlerOptions.ts';
import { InvocationMetrics } from './InvocationMetrics.ts';
import { processBatch } from './processBatch.ts';
import { installShutdownHook } from './shutdownHook.ts';

/** How one event source maps onto the runtime. */
export interface SourceAdapter<TEvent, TResponse> {
  readonly name: SourceName;
  records(event: TEvent): SourceRecord[];
  response(notAcked: readonly SourceRecord[]): TResponse;
}

/** Part of the margin kept for returning the answer after stopping the flusher. */
const ANSWER_RESERVE_SHARE = 0.5;

/** Build a middy handler that runs one source's batches through the flusher. */
export function createBatchHandler<TEvent, TResponse>(
  adapter: SourceAdapter<TEvent, TResponse>,
  handlerOptions: HandlerOptions,
): MiddyfiedHandler<TEvent, TResponse, Error, Context> {
  const options = resolveHandlerOptions(handlerOptions);
  const logger = options.logger ?? new Logger({ serviceName: 'loggroup-flusher' });
  const metrics =
    options.metrics ?? new Metrics({ namespace: 'LogGroupFlusher', serviceName: 'loggroup-flusher' });
  const flusherLogger = asFlusherLogger(logger);
  const shutdown = new AbortController();
  const shared = () => ({
    configName: options.configName,
    project: options.project,
    logstore: options.logstore,
    logger: flusherLogger,
    signal: shutdown.signal,
    quarantine: options.quarantine,
  });
  const slots = options.flushers.map(
    (flusher) => new FlusherSlot(flusher.name, options.pipeline ? flusher.name : undefined, flusher, shared),
  );
  if (options.shutdownHook) installShutdownHook(options.shutdownTimeoutMs, flusherLogger);
  const decodeOptions = { format: options.inputFormat, maxDecompressedBytes: options.maxDecompressedBytes };
  const decode = (payload: Uint8Array | string) => decodePayload(payload, decodeOptions);

  const handle = async (event: TEvent, context: Context): Promise<TResponse> => {
    const records = adapter.records(event);
    const ledger = new AckLedger(records);
    const counters = new InvocationMetrics();
    counters.add(Metric.recordsReceived, records.length);
    const remaining = context.getRemainingTimeInMillis();
    const marginMs = options.urgencyMarginMs ?? defaultUrgencyMarginMs(remaining);
    const deadline = new Deadline(remaining, marginMs);
    if (deadline.signal.aborted && records.length > 0) {
      // Nothing can be flushed: say why at WARN, or a margin above the function's timeout
      // (URGENCY_MARGIN_MS) would send every batch back with no sign of the cause.
      logger.warn('invocation started inside the urgency margin: every record goes back for retry', {
        remainingMs: remaining,
        urgencyMarginMs: marginMs,
      });
    }
    const started = performance.now();
    const delivered: DeliveredPart[] = [];
    try {
      if (records.length > 0) {
        await raceAbort(
          processBatch(ledger, {
            source: adapter.name,
            flushers: slots,
            defaults: options,
            decode,
            maxBatchDecodedBytes: options.maxBatchDecodedBytes,
            quarantine: options.quarantine,
            concurrency: options.concurrency,
            orderAcrossDestinations: options.orderAcrossDestinations,
            signal: deadline.signal,
            logger: flusherLogger,
            metrics: counters,
            delivered,
          }),
          deadline.signal,
          () => new Error('deadline'),
        );
      }
    } catch (error) {
      // The deadline is answered below. Anything else (no flusher could init) fails the
      // invocation, so it shows in the function's Errors metric and the whole batch is retried.
      if (!deadline.signal.aborted) {
        deadline.clear();
        logger.error('invocation failed', {
          error: describeError(error),
        });
        throw error;
      }
    }
    if (deadline.signal.aborted) {
      counters.add(Metric.deadlineReached, 1);
      ledger.failPending('deadline reached before the data was durable');
      const stopBudget = Math.floor(Math.max(0, deadline.leftMs() * (1 - ANSWER_RESERVE_SHARE)));
      // Every flusher gets the whole budget at once: one that hangs in stop delays nobody else.
      const stopping = slots.map(async (slot) => {
        if (!(await settleWithin(slot.holder.retire(stopBudget), stopBudget + 10))) {
          logger.warn('flusher did not stop within the urgency margin', {
            flusher: slot.name,
            stopBudgetMs: stopBudget,
          });
        }
      });
      await Promise.all(stopping);
    }
    deadline.clear();
    ledger.failPending('invocation ended before the data was durable');
    const notAcked = ledger.notAcked();
    rememberDelivered(delivered, new Set(notAcked));
    const counts = ledger.counts();
    counters.add(Metric.recordsAcked, counts.durable + counts.quarantined);
    counters.add(Metric.recordsRetried, notAcked.length);
    for (const slot of slots) slot.publish(metrics);
    counters.drainInto(metrics);
    logger.info('batch processed', {
      source: adapter.name,
      records: records.length,
      acked: counts.durable,
      quarantined: counts.quarantined,
      retried: notAcked.length,
      deadlineReached: deadline.signal.aborted,
      durationMs: Math.round(performance.now() - started),
    });
    return adapter.response(notAcked);
  };

  return (
    // No middy early timeout: it would throw a TimeoutError instead of the partial batch response
    // our own Deadline answers with, however little time is left.
    middy<TEvent, TResponse, Error, Context>(handle, { timeoutEarlyInMillis: 0 })
      // Events carry log contents (secrets, personal data): never log them, whatever
      // POWERTOOLS_LOGGER_LOG_EVENT says.
      .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
  );
}

/** What the flushers stored of records that go back to the queue: their redelivery skips it. */
function rememberDelivered(delivered: readonly DeliveredPart[], notAcked: ReadonlySet<SourceRecord>): void {
  if (notAcked.size === 0) return;
  for (const { slot, destinationKey, records } of delivered) {
    for (const record of records) if (notAcked.has(record)) slot.remember(destinationKey, record);
  }
}

function asFlusherLogger(logger: Logger): FlusherLogger {
  return {
    debug: (message, ...extra) => logger.debug(message, ...extra),
    info: (message, ...extra) => logger.info(message, ...extra),
    warn: (message, ...extra) => logger.warn(message, ...extra),
    error: (message, ...extra) => logger.error(message, ...extra),
  };
}
