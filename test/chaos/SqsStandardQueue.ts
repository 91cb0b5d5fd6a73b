import type { Random } from '../helpers/random.ts';
import type { ChaosRecord } from './workload.ts';

/** A record handed to the function, with how many times it has been received so far. */
export interface Delivery {
  readonly record: ChaosRecord;
  readonly receiveCount: number;
}

/** What the queue does with a batch once the invocation is over. */
export type Settlement =
  /** Delete every message except these ids (a partial batch response). */
  | { readonly kind: 'partial'; readonly failedIds: ReadonlySet<string> }
  /** The function threw or timed out (or answered unusably): every message comes back. */
  | { readonly kind: 'all-failed' };

/** Bounds of the simulated visibility timeout: how long a failed message stays hidden, in ms. */
export interface VisibilityDelay {
  readonly minMs: number;
  readonly maxMs: number;
}

/** One message; the copies SQS may deliver share it. */
interface Message {
  readonly record: ChaosRecord;
  receiveCount: number;
  deleted: boolean;
}

interface Copy {
  readonly message: Message;
  visibleAt: number;
}

/**
 * An SQS standard queue as a Lambda event source mapping sees it: batches of messages picked in
 * no particular order; messages the function reports (or the whole batch, when it throws or times
 * out) become visible again after a (shortened) visibility timeout and come back in later batches,
 * mixed with messages never received; every other message of the batch is deleted for good.
 * At least once: a `duplicateShare` of receives also leaves a copy of the message visible, so the
 * same message can be in two invocations at once; the first copy acked deletes the message.
 */
export class SqsStandardQueue {
  /** Messages deleted after a successful invocation: the records the function acked. */
  readonly acked = new Set<string>();
  deliveries = 0;
  /** Extra copies delivered (at least once). */
  duplicates = 0;
  maxReceiveCount = 0;
  readonly #visible: Copy[];
  readonly #hidden: Copy[] = [];
  readonly #inFlight = new Map<Delivery, Copy>();

  constructor(
    records: readonly ChaosRecord[],
    readonly random: Random,
    readonly visibility: VisibilityDelay,
    readonly duplicateShare = 0,
  ) {
    this.#visible = records.map((record) => ({
      message: { record, receiveCount: 0, deleted: false },
      visibleAt: 0,
    }));
  }

  /** True once every message was deleted. */
  get drained(): boolean {
    return this.#visible.length === 0 && this.#hidden.length === 0 && this.#inFlight.size === 0;
  }

  /** Up to `max` visible messages, drawn at random; empty when none is visible right now. */
  receive(max: number): Delivery[] {
    this.#reveal();
    const batch: Delivery[] = [];
    const ids = new Set<string>();
    while (batch.length < max && this.#visible.length > 0) {
      const at = this.random.int(0, this.#visible.length - 1);
      const copy = this.#visible[at]!;
      const { message } = copy;
      if (ids.has(message.record.id)) break; // never the same message twice in one batch
      this.#visible[at] = this.#visible[this.#visible.length - 1]!;
      this.#visible.pop();
      if (message.deleted) continue;
      message.receiveCount++;
      this.maxReceiveCount = Math.max(this.maxReceiveCount, message.receiveCount);
      const delivery: Delivery = { record: message.record, receiveCount: message.receiveCount };
      this.#inFlight.set(delivery, copy);
      batch.push(delivery);
      ids.add(message.record.id);
      if (this.random.chance(this.duplicateShare)) {
        this.duplicates++;
        this.#hidden.push({ message, visibleAt: 0 });
      }
    }
    this.deliveries += batch.length;
    return batch;
  }

  settle(batch: readonly Delivery[], settlement: Settlement): void {
    for (const delivery of batch) {
      const copy = this.#inFlight.get(delivery)!;
      this.#inFlight.delete(delivery);
      const { message } = copy;
      if (message.deleted) continue;
      const failed = settlement.kind === 'all-failed' || settlement.failedIds.has(message.record.id);
      if (!failed) {
        message.deleted = true;
        this.acked.add(message.record.id);
        continue;
      }
      copy.visibleAt = performance.now() + this.random.int(this.visibility.minMs, this.visibility.maxMs);
      this.#hidden.push(copy);
    }
  }

  #reveal(): void {
    const now = performance.now();
    for (let i = this.#hidden.length - 1; i >= 0; i--) {
      const copy = this.#hidden[i]!;
      if (copy.visibleAt > now) continue;
      this.#hidden[i] = this.#hidden[this.#hidden.length - 1]!;
      this.#hidden.pop();
      if (!copy.message.deleted) this.#visible.push(copy);
    }
  }
}
