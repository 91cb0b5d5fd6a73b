import type { Random } from '../helpers/random.ts';
import type { Delivery, Settlement, VisibilityDelay } from './SqsStandardQueue.ts';
import type { ChaosRecord } from './workload.ts';

interface Group {
  readonly id: string;
  /** Messages not deleted yet, in send order. */
  readonly entries: Array<{ record: ChaosRecord; receiveCount: number }>;
  inFlight: boolean;
  visibleAt: number;
}

/** A message deleted while an earlier message of its group was handed back: the group's order broke. */
export interface OrderViolation {
  readonly groupId: string;
  readonly acked: string;
  readonly afterFailed: string;
}

/**
 * An SQS FIFO queue as a Lambda event source mapping sees it: a batch takes messages from the
 * front of message groups that have nothing in flight (several groups per batch, each in order);
 * a group stays blocked while its messages are in flight and, after a failure, until the
 * (shortened) visibility timeout ends; the failed message then comes back first. Deleting a message
 * while an earlier one of its group comes back breaks the group's order: recorded as a violation.
 */
export class SqsFifoQueue {
  readonly acked = new Set<string>();
  readonly violations: OrderViolation[] = [];
  deliveries = 0;
  maxReceiveCount = 0;
  readonly #groups: Group[] = [];

  constructor(
    records: readonly ChaosRecord[],
    readonly random: Random,
    readonly visibility: VisibilityDelay,
  ) {
    const byId = new Map<string, Group>();
    for (const record of records) {
      const id = record.groupId ?? 'default';
      let group = byId.get(id);
      if (group === undefined) {
        group = { id, entries: [], inFlight: false, visibleAt: 0 };
        byId.set(id, group);
        this.#groups.push(group);
      }
      group.entries.push({ record, receiveCount: 0 });
    }
  }

  get drained(): boolean {
    return this.#groups.every((group) => group.entries.length === 0 && !group.inFlight);
  }

  /** Up to `max` messages from the front of available groups (starting at a random group). */
  receive(max: number): Delivery[] {
    const now = performance.now();
    const batch: Delivery[] = [];
    const start = this.random.int(0, Math.max(0, this.#groups.length - 1));
    for (let n = 0; n < this.#groups.length && batch.length < max; n++) {
      const group = this.#groups[(start + n) % this.#groups.length]!;
      if (group.inFlight || group.visibleAt > now || group.entries.length === 0) continue;
      group.inFlight = true;
      for (const entry of group.entries) {
        if (batch.length >= max) break;
        entry.receiveCount++;
        this.maxReceiveCount = Math.max(this.maxReceiveCount, entry.receiveCount);
        batch.push({ record: entry.record, receiveCount: entry.receiveCount });
      }
    }
    this.deliveries += batch.length;
    return batch;
  }

  settle(batch: readonly Delivery[], settlement: Settlement): void {
    const failedInGroup = new Map<string, string>();
    const deleted = new Set<string>();
    for (const { record } of batch) {
      const groupId = record.groupId ?? 'default';
      const failed = settlement.kind === 'all-failed' || settlement.failedIds.has(record.id);
      if (failed) {
        if (!failedInGroup.has(groupId)) failedInGroup.set(groupId, record.id);
        continue;
      }
      const earlier = failedInGroup.get(groupId);
      if (earlier !== undefined) this.violations.push({ groupId, acked: record.id, afterFailed: earlier });
      deleted.add(record.id);
      this.acked.add(record.id);
    }
    const touched = new Set(batch.map(({ record }) => record.groupId ?? 'default'));
    for (const group of this.#groups) {
      if (!touched.has(group.id)) continue;
      group.inFlight = false;
      for (let i = group.entries.length - 1; i >= 0; i--) {
        if (deleted.has(group.entries[i]!.record.id)) group.entries.splice(i, 1);
      }
      if (failedInGroup.has(group.id)) {
        group.visibleAt = performance.now() + this.random.int(this.visibility.minMs, this.visibility.maxMs);
      }
    }
  }
}
