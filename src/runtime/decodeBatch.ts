import { setImmediate } from 'node:timers/promises';
import { PoisonRecordError, SizeLimitError } from '../errors.ts';
import { logCount } from '../protocol/encodedLogs.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { describeError } from '../shared/describeError.ts';
import { keepShapeAlive } from '../shared/keepShapeAlive.ts';
import type { SourceRecord } from '../sources/SourceRecord.ts';
import type { AckLedger } from './AckLedger.ts';
import { Metric } from './BatchMetrics.ts';
import type { BatchDependencies } from './processBatch.ts';

/** Decoding longer than this without a break holds back the deadline timer: yield to the event loop. */
const DECODE_SLICE_MS = 20;

/** A batch decoded: each good record with its groups, and the poison ones with why. */
export interface DecodedBatch {
  readonly decoded: DecodedRecord[];
  readonly poison: { record: SourceRecord; error: PoisonRecordError }[];
}

/** A record decoded, with its LogGroups in payload order. */
export interface DecodedRecord {
  readonly record: SourceRecord;
  readonly groups: readonly LogGroup[];
}

/**
 * Decode the records in order, yielding to the event loop now and then and stopping at the
 * deadline; once the decoded bytes reach the batch's budget, the rest is handed back undecoded
 * (failed in the ledger). Records the deadline left undecoded stay pending.
 *
 * The loop awaits nothing until a slice of {@link DECODE_SLICE_MS} has passed, and keeps its counts
 * locally, adding them to the metrics before each turn it gives the event loop and at the end
 * (the handler reads the metrics only after decoding stopped): on the 10,000-record batch of the
 * shape grid (BENCHMARKS.md, issue 15) two awaited pacing calls and three metric updates per
 * record were a measurable part of decoding.
 *
 * @example
 * ```ts
 * const { decoded, poison } = await decodeBatch(ledger, deps);
 * ```
 */
export async function decodeBatch(ledger: AckLedger, deps: BatchDependencies): Promise<DecodedBatch> {
  const decoded: DecodedBatch['decoded'] = [];
  const poison: DecodedBatch['poison'] = [];
  const pace = new Pacer(DECODE_SLICE_MS, new DecodeCounts(deps.metrics));
  const { records } = ledger;
  let held = 0;
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    if (pace.due()) await pace.yield();
    if (deps.signal.aborted) break;
    if (held >= deps.maxBatchDecodedBytes) {
      pace.counts.flush();
      deferRest(ledger, index, held, deps);
      break;
    }
    pace.counts.addBytesIn(record.sizeBytes);
    // A KPL aggregate is several payloads: decoded in turn, with the same pacing between them.
    let groups: LogGroup[] | undefined;
    let bytes = 0;
    let interrupted = false;
    try {
      const payloads = record.payloads();
      for (let i = 0; i < payloads.length; i++) {
        const result = deps.decode(payloads[i]!);
        if (payloads.length === 1) groups = result.groups;
        else {
          groups ??= [];
          groups.push(...result.groups);
        }
        bytes += result.decodedBytes;
        if (bytes > deps.maxBatchDecodedBytes) {
          // Alone over the batch's budget, it could never be handled: quarantined, not retried for ever.
          throw new SizeLimitError(
            `record decodes to more than the batch's ${deps.maxBatchDecodedBytes}-byte budget (MAX_BATCH_DECODED_BYTES)`,
            deps.maxBatchDecodedBytes,
          );
        }
        if (pace.due()) await pace.yield();
        if (deps.signal.aborted) {
          interrupted = true; // the deadline came in the middle of the record
          break;
        }
      }
    } catch (error) {
      if (error instanceof PoisonRecordError) {
        poison.push({ record, error });
      } else {
        // A decoder bug, not bad input: retry rather than quarantine data that may be fine.
        deps.logger.error('unexpected decoder failure', { recordId: record.id, error: describeError(error) });
        ledger.fail(record, 'unexpected decoder failure');
      }
      continue;
    }
    if (interrupted) break;
    held += bytes;
    const recordGroups = groups ?? [];
    decoded.push({ record, groups: recordGroups });
    pace.counts.addDecoded(recordGroups);
  }
  pace.counts.flush();
  return { decoded, poison };
}

/**
 * Counts of the decoding so far, not yet added to the metrics: the same sums, in the same order,
 * as adding them record by record (a metric is added, even as 0, once a record counted in it).
 */
class DecodeCounts {
  #bytesIn = 0;
  #logGroups = 0;
  #logs = 0;
  #records = 0;
  #decoded = 0;

  constructor(readonly metrics: BatchDependencies['metrics']) {}

  addBytesIn(bytes: number): void {
    this.#bytesIn += bytes;
    this.#records++;
  }

  addDecoded(groups: readonly LogGroup[]): void {
    this.#logGroups += groups.length;
    for (const group of groups) this.#logs += logCount(group);
    this.#decoded++;
  }

  flush(): void {
    if (this.#records > 0) this.metrics.add(Metric.bytesIn, this.#bytesIn);
    if (this.#decoded > 0) {
      this.metrics.add(Metric.logGroups, this.#logGroups);
      this.metrics.add(Metric.logs, this.#logs);
    }
    this.#bytesIn = this.#logGroups = this.#logs = this.#records = this.#decoded = 0;
  }
}

/** Tells when `sliceMs` have passed since the last turn given to the event loop, and gives one. */
class Pacer {
  #sliceStarted = performance.now();

  constructor(
    readonly sliceMs: number,
    readonly counts: DecodeCounts,
  ) {}

  due(): boolean {
    return performance.now() - this.#sliceStarted > this.sliceMs;
  }

  /** Add the counts so far to the metrics, let the event loop run, start a new slice. */
  async yield(): Promise<void> {
    this.counts.flush();
    await setImmediate();
    this.#sliceStarted = performance.now();
  }
}

function deferRest(ledger: AckLedger, from: number, held: number, deps: BatchDependencies): void {
  const rest = ledger.records.slice(from);
  for (const record of rest) ledger.fail(record, 'batch decode budget reached');
  deps.metrics.add(Metric.recordsDeferred, rest.length);
  deps.logger.warn('batch decode budget reached; the rest of the batch will be retried', {
    decodedBytes: held,
    maxBatchDecodedBytes: deps.maxBatchDecodedBytes,
    deferred: rest.length,
  });
}

keepShapeAlive(new Pacer(DECODE_SLICE_MS, new DecodeCounts({ add: () => {} })));
