import { keepShapeAlive } from '../shared/keepShapeAlive.ts';
import type { SourceRecord } from '../sources/SourceRecord.ts';

/** What became of one record in this invocation. */
export const Outcome = {
  /** Not yet known: reported for retry if the invocation ends now. */
  pending: 'pending',
  /** Every byte of its data is durable at the destination (or it held no data). */
  durable: 'durable',
  /** Poison, and durably written to quarantine: acked. */
  quarantined: 'quarantined',
  /** Must be delivered again: reported in the batch response. */
  failed: 'failed',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * A record's state. A class, one instance kept for the process's life, so V8 keeps the shape the
 * methods below are optimized for across full garbage collections (keepShapeAlive): as an object
 * literal, with a full GC forced before each batch, `--trace-opt` showed them compiled again for
 * every batch (BENCHMARKS.md, issue 15).
 */
class Entry {
  outcome: Outcome = Outcome.pending;
  /** Flush groups holding part of this record's data that have not resolved yet. */
  pendingGroups = 0;
  reason: string | undefined = undefined;
  /** An earlier record of its order key failed: none of its data may be flushed anywhere now. */
  blocked = false;

  constructor(readonly record: SourceRecord) {}
}

const isAcked = (outcome: Outcome) => outcome === Outcome.durable || outcome === Outcome.quarantined;
const isNotAcked = (outcome: Outcome) => !isAcked(outcome);
const isFailed = (outcome: Outcome) => outcome === Outcome.failed;

/**
 * One per invocation: record → outcome. The batch response is built from this alone. A record is
 * durable only when every group holding its data resolved; one failed group fails it for good.
 */
export class AckLedger {
  readonly #entries: Entry[];

  constructor(readonly records: readonly SourceRecord[]) {
    // Loops and module-level predicates, not closures made per call (see keepShapeAlive.ts).
    this.#entries = [];
    for (const record of records) this.#entries.push(new Entry(record));
  }

  outcome(record: SourceRecord): Outcome {
    return this.#entries[record.index]!.outcome;
  }

  /**
   * Whether a flush may still include this record's data: it is pending, or it failed elsewhere
   * (it will be retried, but writing its other parts now lets the flushers that can take it go on).
   * Never once it is blocked behind an earlier failure of its order key, or quarantined.
   */
  mayFlush(record: SourceRecord): boolean {
    const entry = this.#entries[record.index]!;
    return !entry.blocked && (entry.outcome === Outcome.pending || entry.outcome === Outcome.failed);
  }

  reason(record: SourceRecord): string | undefined {
    return this.#entries[record.index]!.reason;
  }

  /** The record's data is split over `count` flush groups; it is durable once all of them resolve. */
  expectGroups(record: SourceRecord, count: number): void {
    const entry = this.#entries[record.index]!;
    entry.pendingGroups += count;
    if (entry.pendingGroups === 0 && entry.outcome === Outcome.pending) entry.outcome = Outcome.durable;
  }

  groupDurable(record: SourceRecord): void {
    const entry = this.#entries[record.index]!;
    entry.pendingGroups--;
    if (entry.pendingGroups === 0 && entry.outcome === Outcome.pending) entry.outcome = Outcome.durable;
  }

  quarantined(record: SourceRecord, reason: string): void {
    const entry = this.#entries[record.index]!;
    if (entry.outcome === Outcome.pending) {
      entry.outcome = Outcome.quarantined;
      entry.reason = reason;
    }
  }

  /** Failure is final for this invocation: a later success of another group cannot undo it. */
  fail(record: SourceRecord, reason: string): void {
    const entry = this.#entries[record.index]!;
    if (entry.outcome === Outcome.pending) {
      entry.outcome = Outcome.failed;
      entry.reason = reason;
    }
  }

  /** Fail every record still pending (the deadline came first). */
  failPending(reason: string): void {
    for (const { record } of this.#entries) this.fail(record, reason);
  }

  /** Records that must be delivered again, in event order, with ordering applied (see {@link applyOrder}). */
  notAcked(): SourceRecord[] {
    this.applyOrder();
    const notAcked: SourceRecord[] = [];
    for (const entry of this.#entries) if (!isAcked(entry.outcome)) notAcked.push(entry.record);
    return notAcked;
  }

  /**
   * Within one order key, every record after the first one not acked is failed too (a FIFO group
   * or a shard must not skip ahead), whatever its own outcome. At answer time a pending record
   * counts as not acked.
   */
  applyOrder(): void {
    this.#block(isNotAcked);
  }

  /** Mid-invocation: fail every record that follows an already failed one of the same order key. */
  blockAfterFailures(): void {
    this.#block(isFailed);
  }

  #block(blocks: (outcome: Outcome) => boolean): void {
    const blocked = new Set<string>();
    for (const entry of this.#entries) {
      const key = entry.record.orderKey;
      if (key === undefined) continue;
      if (blocked.has(key)) {
        entry.blocked = true;
        if (entry.outcome !== Outcome.failed) {
          entry.outcome = Outcome.failed;
          entry.reason = 'an earlier record of the same ordered sequence failed';
        }
      } else if (blocks(entry.outcome)) {
        blocked.add(key);
      }
    }
  }

  counts(): Record<Outcome, number> {
    const counts: Record<Outcome, number> = { pending: 0, durable: 0, quarantined: 0, failed: 0 };
    for (const entry of this.#entries) counts[entry.outcome]++;
    return counts;
  }
}

// Any record will do: the kept entry holds the shape, not the record.
keepShapeAlive(new AckLedger([{} as SourceRecord]));
