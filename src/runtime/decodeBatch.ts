import { setImmediate } from 'node:timers/promises';
import { PoisonRecordError, SizeLimitError } from '../errors.ts';
import { logCount } from '../protocol/encodedLogs.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { describeError } from '../shared/describeError.ts';
import type { SourceRecord } from '../sources/SourceRecord.ts';
import type { AckLedger } from './AckLedger.ts';
import { Metric } from './BatchMetrics.ts';
import type { BatchDependencies } from './processBatch.ts';

/** Decoding longer than this without a break holds back the deadline timer: yield to the event loop. */
const DECODE_SLICE_MS = 20;

/** A batch decoded: each good record with its groups, and the poison ones with why. */
export interface DecodedBatch {
  readonly decoded: { record: SourceRecord; groups: LogGroup[] }[];
  readonly poison: { record: SourceRecord; error: PoisonRecordError }[];
}

/**
 * Decode the records in order, yielding to the event loop now and then and stopping at the
 * deadline; once the decoded bytes reach the batch's budget, the rest is handed back undecoded
 * (failed in the ledger). Records the deadline left undecoded stay pending.
 *
 * @example
 * ```ts
 * const { decoded, poison } = await decodeBatch(ledger, deps);
 * ```
 */
export async function decodeBatch(ledger: AckLedger, deps: BatchDependencies): Promise<DecodedBatch> {
  const decoded: { record: SourceRecord; groups: LogGroup[] }[] = [];
  const poison: { record: SourceRecord; error: PoisonRecordError }[] = [];
  const pace = pacer(DECODE_SLICE_MS);
  let held = 0;
  for (const [index, record] of ledger.records.entries()) {
    await pace();
    if (deps.signal.aborted) break;
    if (held >= deps.maxBatchDecodedBytes) {
      deferRest(ledger, index, held, deps);
      break;
    }
    deps.metrics.add(Metric.bytesIn, record.sizeBytes);
    try {
      const result = await decodeRecord(record, deps, pace);
      if (result === undefined) break; // the deadline came in the middle of the record
      held += result.bytes;
      decoded.push({ record, groups: result.groups });
      deps.metrics.add(Metric.logGroups, result.groups.length);
      deps.metrics.add(
        Metric.logs,
        result.groups.reduce((n, g) => n + logCount(g), 0),
      );
    } catch (error) {
      if (error instanceof PoisonRecordError) {
        poison.push({ record, error });
      } else {
        // A decoder bug, not bad input: retry rather than quarantine data that may be fine.
        deps.logger.error('unexpected decoder failure', { recordId: record.id, error: describeError(error) });
        ledger.fail(record, 'unexpected decoder failure');
      }
    }
  }
  return { decoded, poison };
}

/**
 * Decode one record's payloads (several for a KPL aggregate), pacing between them; `undefined`
 * when the deadline came first. A record that alone decodes to more than the batch's budget can
 * never be handled within it: a SizeLimitError, so it is quarantined instead of retried for ever.
 */
async function decodeRecord(
  record: SourceRecord,
  deps: BatchDependencies,
  pace: () => Promise<void>,
): Promise<{ groups: LogGroup[]; bytes: number } | undefined> {
  const groups: LogGroup[] = [];
  let bytes = 0;
  for (const payload of record.payloads()) {
    const result = deps.decode(payload);
    groups.push(...result.groups);
    bytes += result.decodedBytes;
    if (bytes > deps.maxBatchDecodedBytes) {
      throw new SizeLimitError(
        `record decodes to more than the batch's ${deps.maxBatchDecodedBytes}-byte budget (MAX_BATCH_DECODED_BYTES)`,
        deps.maxBatchDecodedBytes,
      );
    }
    await pace();
    if (deps.signal.aborted) return undefined;
  }
  return { groups, bytes };
}

/** Yields to the event loop once `sliceMs` have passed since the last yield. */
function pacer(sliceMs: number): () => Promise<void> {
  let sliceStarted = performance.now();
  return async () => {
    if (performance.now() - sliceStarted <= sliceMs) return;
    await setImmediate();
    sliceStarted = performance.now();
  };
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
