import { PoisonReason } from '../errors.ts';
import type { FlusherLogger } from '../flusher/Flusher.ts';
import { raceAbort } from '../flusher/FlusherLifecycle.ts';
import type { DecodedPayload } from '../input/decodePayload.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';
import { describeError } from '../shared/describeError.ts';
import { runWorkers } from '../shared/runWorkers.ts';
import type { SourceName, SourceRecord } from '../sources/SourceRecord.ts';
import type { AckLedger } from './AckLedger.ts';
import { type BatchMetrics, Metric } from './BatchMetrics.ts';
import { decodeBatch } from './decodeBatch.ts';
import type { FlusherSlot } from './FlusherSlot.ts';
import { type DeliveredPart, flushCall } from './flushCall.ts';
import { InitAttempts } from './InitAttempts.ts';
import { planDelivery } from './planDelivery.ts';
import type { Destination } from './routing.ts';

/** Everything `processBatch` needs, injected so it is testable without Lambda. */
export interface BatchDependencies {
  readonly source: SourceName;
  /** The pipeline's flushers (one for a single-flusher deployment). */
  readonly flushers: readonly FlusherSlot[];
  readonly defaults: Destination;
  readonly decode: (payload: Uint8Array | string) => DecodedPayload;
  /** Decoded bytes the batch may hold; the records after that are retried (see HandlerOptions). */
  readonly maxBatchDecodedBytes: number;
  readonly quarantine: QuarantineSink;
  /** Keep ordered sources' order across destinations (HandlerOptions `orderAcrossDestinations`). */
  readonly orderAcrossDestinations: boolean;
  /** Flush calls running at once per flusher, and quarantine writes at once. */
  readonly concurrency: number;
  /** Aborted when the invocation's urgency margin is reached: start nothing new, give up waiting. */
  readonly signal: AbortSignal;
  readonly logger: FlusherLogger;
  readonly metrics: BatchMetrics;
  /** Filled as flush calls succeed, so the handler can remember what its not-acked records already stored. */
  readonly delivered: DeliveredPart[];
}

/** A record (or part of one) to write to quarantine, and what its durable entry means for the ledger. */
interface QuarantineJob {
  readonly record: SourceRecord;
  readonly reason: PoisonReason;
  readonly detail: string;
  readonly written: () => void;
}

/**
 * Decode, quarantine, route, gate and flush one batch, writing every record's outcome into the
 * ledger. Never throws for bad input (only when no flusher could start at all); resolves when
 * every started flush settled or the signal fired.
 *
 * Each pipeline flusher flushes with its own concurrency, so a slow or hanging one holds up only
 * its own calls. Flushes go in the waves of {@link planDelivery}: in an ordered sequence, nothing
 * after the first failure is sent anywhere.
 */
export async function processBatch(ledger: AckLedger, deps: BatchDependencies): Promise<void> {
  const inits = new InitAttempts(deps.flushers, deps.signal, deps.logger);
  const { decoded, poison } = await decodeBatch(ledger, deps);
  if (deps.signal.aborted) return; // the handler reports what is left
  const plan = planDelivery(decoded, deps.defaults, deps.flushers, deps);
  const unrouted = new Set(plan.unrouted.map(({ record }) => record));
  for (const { record } of decoded) {
    ledger.expectGroups(record, (plan.calls.get(record) ?? 0) + (unrouted.has(record) ? 1 : 0));
  }
  for (const [index, count] of plan.alreadyDelivered.entries()) {
    if (count > 0) deps.flushers[index]!.metrics.add(Metric.alreadyDelivered, count);
  }

  const jobs: QuarantineJob[] = poison.map(({ record, error }) => ({
    record,
    reason: error.reason,
    detail: error.message,
    written: () => {
      ledger.quarantined(record, error.reason);
      deps.metrics.add(Metric.quarantined, 1);
    },
  }));
  for (const { record, destinations } of plan.unrouted) {
    deps.metrics.add(Metric.logGroupsUnrouted, destinations.length);
    jobs.push({
      record,
      reason: PoisonReason.unrouted,
      detail: `no pipeline flusher matches ${describeDestinations(destinations)}`,
      written: () => ledger.groupDurable(record),
    });
  }
  await quarantineAll(jobs, ledger, deps);

  const calls = { ledger, signal: deps.signal, logger: deps.logger, inits, delivered: deps.delivered };
  for (const wave of plan.waves) {
    if (deps.signal.aborted) return;
    await Promise.all(
      deps.flushers.map((slot, index) =>
        runEach(
          wave.filter((call) => call.flusher === index),
          deps,
          (call) => flushCall(call, slot, calls),
        ),
      ),
    );
  }
  inits.throwIfNoneStarted();
}

/** Bounded, in order, stopping at the deadline; the workers record their own failures in the ledger. */
async function runEach<T>(
  items: readonly T[],
  deps: BatchDependencies,
  work: (item: T) => Promise<void>,
): Promise<void> {
  if (items.length === 0) return;
  try {
    await runWorkers(items, deps.concurrency, deps.signal, work);
  } catch (error) {
    if (!deps.signal.aborted) throw error;
  }
}

async function quarantineAll(
  jobs: readonly QuarantineJob[],
  ledger: AckLedger,
  deps: BatchDependencies,
): Promise<void> {
  const due = jobs.filter(({ record }) => ledger.outcome(record) === 'pending');
  await runEach(due, deps, async ({ record, reason, detail, written }) => {
    const entry = { reason, detail, source: deps.source, recordId: record.id, payload: record.raw() };
    try {
      await raceAbort(deps.quarantine.put(entry, deps.signal), deps.signal, () => new Error('deadline'));
      written();
      deps.logger.warn('record quarantined', { recordId: record.id, reason, detail });
    } catch (cause) {
      ledger.fail(record, 'quarantine write failed');
      deps.logger.error('quarantine write failed; record will be retried', {
        recordId: record.id,
        error: describeError(cause),
      });
    }
  });
  ledger.blockAfterFailures();
}

function describeDestinations(destinations: readonly Destination[]): string {
  const names = [...new Set(destinations.map(({ project, logstore }) => `${project}/${logstore}`))];
  return names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
}
