import { DeadlineError } from '../errors.ts';
import type { Flusher, FlusherLogger } from '../flusher/Flusher.ts';
import { raceAbort } from '../flusher/FlusherLifecycle.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { describeError } from '../shared/describeError.ts';
import type { SourceRecord } from '../sources/SourceRecord.ts';
import type { AckLedger } from './AckLedger.ts';
import { Metric } from './BatchMetrics.ts';
import type { FlusherSlot } from './FlusherSlot.ts';
import type { InitAttempts } from './InitAttempts.ts';
import type { FlushCall } from './planDelivery.ts';

/** A flush call that made its records' data durable (the handler remembers those it does not ack). */
export interface DeliveredPart {
  readonly slot: FlusherSlot;
  readonly destinationKey: string;
  readonly records: readonly SourceRecord[];
}

/** What one flush call needs besides the call itself. */
export interface FlushCallDependencies {
  readonly ledger: AckLedger;
  readonly signal: AbortSignal;
  readonly logger: FlusherLogger;
  readonly inits: InitAttempts;
  readonly delivered: DeliveredPart[];
}

/**
 * Run one flush call: leave out the records an earlier failure of their order key blocks, start
 * the flusher, ask `isReady`, flush, and write each record's outcome into the ledger. Never throws.
 */
export async function flushCall(
  call: FlushCall,
  slot: FlusherSlot,
  deps: FlushCallDependencies,
): Promise<void> {
  const { ledger, signal, logger } = deps;
  ledger.blockAfterFailures();
  // Loops, not closures made per call (see keepShapeAlive.ts).
  const records: SourceRecord[] = [];
  for (const record of call.records) if (ledger.mayFlush(record)) records.push(record);
  if (records.length === 0) return;
  let items = call.items;
  if (records.length !== call.records.length) {
    items = [];
    for (const item of call.items) if (ledger.mayFlush(item.record)) items.push(item);
  }
  const { project, logstore, configName, logstoreKey } = call.destination;
  const where = { flusher: slot.name, project, logstore };
  const failAll = (reason: string) => {
    for (const record of records) ledger.fail(record, reason);
  };

  let flusher: Flusher;
  try {
    flusher = await deps.inits.acquire(slot);
  } catch {
    // Logged once by InitAttempts; at the deadline the records stay pending and the handler answers.
    if (!signal.aborted) failAll(`flusher ${slot.name} could not start`);
    return;
  }
  if (!isReady(flusher, call, slot, logger)) {
    slot.metrics.add(Metric.notReady, 1);
    failAll(`flusher ${slot.name} not ready for ${project}/${logstore}`);
    return;
  }
  const groups: LogGroup[] = [];
  const recordIds: string[] = [];
  for (const { group, record } of items) {
    groups.push(group);
    recordIds.push(record.id);
  }
  const started = performance.now();
  try {
    const flushing = flusher.flush(project, logstore, configName, groups, { signal, recordIds, logstoreKey });
    await raceAbort(flushing, signal, () => new DeadlineError('deadline reached during flush'));
    for (const record of records) ledger.groupDurable(record);
    deps.delivered.push({ slot, destinationKey: call.destinationKey, records });
    slot.metrics.add(Metric.flushLatency, performance.now() - started);
  } catch (error) {
    failAll(`flusher ${slot.name}: flush to ${project}/${logstore} failed`);
    slot.metrics.add(Metric.flushFailures, 1);
    // A flusher may reject with anything, `undefined` included.
    const retryable = (error as { retryable?: unknown } | null | undefined)?.retryable !== false;
    logger.warn('flush failed; records will be retried', {
      ...where,
      records: records.length,
      retryable,
      error: describeError(error),
    });
  }
}

/** The flusher's `isReady`; one that throws counts as not ready (its records are retried), never as a crash. */
function isReady(flusher: Flusher, call: FlushCall, slot: FlusherSlot, logger: FlusherLogger): boolean {
  const { project, logstore, logstoreKey } = call.destination;
  try {
    return flusher.isReady(project, logstore, logstoreKey);
  } catch (error) {
    logger.error('isReady threw; reporting not ready', {
      flusher: slot.name,
      project,
      logstore,
      error: describeError(error),
    });
    return false;
  }
}
