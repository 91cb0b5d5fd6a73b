import type { Flusher, FlusherLogger } from '../flusher/Flusher.ts';
import { raceAbort } from '../flusher/FlusherLifecycle.ts';
import type { DecodedPayload } from '../input/decodePayload.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';
import { describeError } from '../shared/describeError.ts';
import { runWorkers } from '../shared/runWorkers.ts';
import type { SourceName, SourceRecord } from '../sources/SourceRecord.ts';
import type { AckLedger } from './AckLedger.ts';
import { type BatchMetrics, Metric } from './BatchMetrics.ts';
import { type DecodedBatch, decodeBatch } from './decodeBatch.ts';
import { type Destination, destinationKey, resolveDestination } from './routing.ts';

/** Everything `processBatch` needs, injected so it is testable without Lambda. */
export interface BatchDependencies {
  readonly source: SourceName;
  readonly flusher: Flusher;
  readonly defaults: Destination;
  readonly decode: (bytes: Uint8Array) => DecodedPayload;
  /** Decoded bytes the batch may hold; the records after that are retried (see HandlerOptions). */
  readonly maxBatchDecodedBytes: number;
  readonly quarantine: QuarantineSink;
  /** Flush groups (and quarantine writes) running at once. */
  readonly concurrency: number;
  /** Aborted when the invocation's urgency margin is reached: start nothing new, give up waiting. */
  readonly signal: AbortSignal;
  readonly logger: FlusherLogger;
  readonly metrics: BatchMetrics;
}

/** One destination's share of the batch: what one `flush` call writes. */
interface FlushGroup {
  readonly destination: Destination;
  readonly items: { record: SourceRecord; group: LogGroup }[];
}

/**
 * Decode, quarantine, route, gate and flush one batch, writing every record's outcome into the
 * ledger. Never throws for bad input; resolves when every started flush settled or the signal fired.
 */
export async function processBatch(ledger: AckLedger, deps: BatchDependencies): Promise<void> {
  const { decoded, poison } = await decodeBatch(ledger, deps);
  if (deps.signal.aborted) return; // the handler reports what is left
  const groups = route(decoded, deps.defaults);

  for (const group of groups) {
    const { project, logstore, logstoreKey } = group.destination;
    if (!isReady(deps, project, logstore, logstoreKey)) {
      deps.metrics.add(Metric.notReady, 1);
      for (const { record } of group.items)
        ledger.fail(record, `flusher not ready for ${project}/${logstore}`);
    }
  }
  ledger.blockAfterFailures();

  await quarantineAll(poison, ledger, deps);
  ledger.blockAfterFailures();

  const live = groups.map((g) => ({
    ...g,
    items: g.items.filter(({ record }) => ledger.outcome(record) === 'pending'),
  }));
  for (const record of new Set(decoded.map((d) => d.record))) {
    if (ledger.outcome(record) !== 'pending') continue;
    ledger.expectGroups(record, live.filter((g) => g.items.some((item) => item.record === record)).length);
  }
  await runEach(live, deps, (group) => flushGroup(group, ledger, deps));
}

/** The flusher's `isReady`; one that throws counts as not ready (its records are retried), never as a crash. */
function isReady(deps: BatchDependencies, project: string, logstore: string, logstoreKey: string): boolean {
  try {
    return deps.flusher.isReady(project, logstore, logstoreKey);
  } catch (error) {
    deps.logger.error('isReady threw; reporting not ready', {
      project,
      logstore,
      error: describeError(error),
    });
    return false;
  }
}

/** Bounded, in order, stopping at the deadline; the workers record their own failures in the ledger. */
async function runEach<T>(
  items: readonly T[],
  deps: BatchDependencies,
  work: (item: T) => Promise<void>,
): Promise<void> {
  try {
    await runWorkers(items, deps.concurrency, deps.signal, work);
  } catch (error) {
    if (!deps.signal.aborted) throw error;
  }
}

function route(decoded: DecodedBatch['decoded'], defaults: Destination): FlushGroup[] {
  const byKey = new Map<string, FlushGroup>();
  for (const { record, groups } of decoded) {
    for (const group of groups) {
      const destination = resolveDestination(defaults, record.routing, group.logTags);
      const key = destinationKey(destination);
      let flushGroup = byKey.get(key);
      if (flushGroup === undefined) {
        flushGroup = { destination, items: [] };
        byKey.set(key, flushGroup);
      }
      flushGroup.items.push({ record, group });
    }
  }
  return [...byKey.values()];
}

async function quarantineAll(
  poison: DecodedBatch['poison'],
  ledger: AckLedger,
  deps: BatchDependencies,
): Promise<void> {
  const due = poison.filter(({ record }) => ledger.outcome(record) === 'pending');
  await runEach(due, deps, async ({ record, error }) => {
    const entry = {
      reason: error.reason,
      detail: error.message,
      source: deps.source,
      recordId: record.id,
      payload: record.raw(),
    };
    try {
      await raceAbort(deps.quarantine.put(entry, deps.signal), deps.signal, () => new Error('deadline'));
      ledger.quarantined(record, error.reason);
      deps.metrics.add(Metric.quarantined, 1);
      deps.logger.warn('record quarantined', {
        recordId: record.id,
        reason: error.reason,
        detail: error.message,
      });
    } catch (cause) {
      ledger.fail(record, 'quarantine write failed');
      deps.logger.error('quarantine write failed; record will be retried', {
        recordId: record.id,
        error: String(cause),
      });
    }
  });
}

async function flushGroup(group: FlushGroup, ledger: AckLedger, deps: BatchDependencies): Promise<void> {
  // An earlier record of the same ordered sequence may have failed meanwhile: do not skip ahead.
  ledger.blockAfterFailures();
  const items = group.items.filter(({ record }) => ledger.outcome(record) === 'pending');
  if (items.length === 0) return;
  const records = [...new Set(items.map((item) => item.record))];
  const { project, logstore, configName, logstoreKey } = group.destination;
  const started = performance.now();
  try {
    const flushing = deps.flusher.flush(
      project,
      logstore,
      configName,
      items.map((item) => item.group),
      { signal: deps.signal, recordIds: items.map((item) => item.record.id), logstoreKey },
    );
    await raceAbort(flushing, deps.signal, () => new Error('deadline reached during flush'));
    for (const record of records) ledger.groupDurable(record);
    deps.metrics.add(Metric.flushLatency, performance.now() - started);
  } catch (error) {
    for (const record of records) ledger.fail(record, `flush to ${project}/${logstore} failed`);
    // A flusher may reject with anything, `undefined` included.
    const retryable = (error as { retryable?: unknown } | null | undefined)?.retryable !== false;
    deps.logger.warn('flush failed; records will be retried', {
      project,
      logstore,
      records: records.length,
      retryable,
      error: describeError(error),
    });
  }
}
