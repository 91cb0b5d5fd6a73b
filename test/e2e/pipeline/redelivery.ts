import { expectedFailures, type ResponseSource } from '../../helpers/expectedFailures.ts';
import type { Item, RecordSpec } from './batches.ts';

/** One invocation: what was delivered and what the handler reported. */
export interface Attempt {
  readonly delivered: readonly string[];
  readonly reported: readonly string[];
  /** What README "Processing guarantees" says the response must be. */
  readonly expected: readonly string[];
}

/**
 * Run the records through the handler as the event source mapping would, batch after batch, with
 * `steps[i]` applied during invocation i (no faults after the last):
 *
 * - SQS (standard and FIFO): the messages a response reports come back first, then new messages
 *   fill the batch (so a redelivered message is regrouped with others, and a FIFO group keeps its
 *   order);
 * - Kinesis: the next batch starts at the reported record (or after the batch, when none is).
 *
 * Stops once every record is acked, or after `maxAttempts` invocations.
 */
export async function deliverUntilAcked<T, S>(options: {
  readonly kind: ResponseSource;
  /** Every record, in the order the queue or the shard holds them. */
  readonly items: readonly Item<T>[];
  readonly batchSize: number;
  readonly steps: readonly S[];
  readonly applyFaults: (step: S | undefined) => void;
  /** Whether a record cannot be made durable while `step` is applied. */
  readonly fails: (step: S | undefined, spec: RecordSpec) => boolean;
  readonly invoke: (records: T[]) => Promise<string[]>;
  readonly maxAttempts: number;
}): Promise<{ attempts: Attempt[]; unacked: number }> {
  const { kind, items, batchSize } = options;
  const attempts: Attempt[] = [];
  let next = 0; // SQS: first record never delivered; Kinesis: the checkpoint
  let reportedItems: Item<T>[] = [];
  for (let index = 0; index < options.maxAttempts; index++) {
    const delivered =
      kind === 'kinesis'
        ? items.slice(next, next + batchSize)
        : [...reportedItems, ...items.slice(next, next + batchSize - reportedItems.length)];
    if (delivered.length === 0) break;
    if (kind !== 'kinesis') next += delivered.length - reportedItems.length;
    const step = options.steps[index];
    options.applyFaults(step);
    const reported = await options.invoke(delivered.map((item) => item.record));
    attempts.push({
      delivered: delivered.map((item) => item.id),
      reported,
      expected: expectedFailures(
        kind,
        delivered,
        (item) => options.fails(step, item.spec),
        (item) => item.spec.group,
      ),
    });
    reportedItems = delivered.filter((item) => reported.includes(item.id));
    if (kind === 'kinesis') {
      const from = items.findIndex((item) => item.id === reported[0]);
      next = from < 0 ? next + delivered.length : from;
    }
  }
  options.applyFaults(undefined);
  const unacked = kind === 'kinesis' ? items.length - next : reportedItems.length + items.length - next;
  return { attempts, unacked };
}
