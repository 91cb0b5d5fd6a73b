// What the event source does with the function's answers, as Lambda's event source mappings do:
// SQS deletes the messages not listed in batchItemFailures (FIFO alike), Kinesis moves its
// checkpoint to the reported sequence number. An error, a timeout or a crash acks nothing.
// The queue keeps the records still to deliver, in source order; a batch is its first records.
import { SourceKind, type TrialRecord } from './trialRecords.ts';

export interface BatchAnswer {
  readonly acked: readonly TrialRecord[];
  /** The answer broke the partial batch response contract (unknown id, duplicates, …). */
  readonly invalid: string | undefined;
}

export class SourceQueue {
  #pending: TrialRecord[];

  constructor(
    readonly source: SourceKind,
    records: readonly TrialRecord[],
  ) {
    this.#pending = [...records];
  }

  get pending(): readonly TrialRecord[] {
    return this.#pending;
  }

  /** The next batch Lambda would deliver. */
  next(size: number): TrialRecord[] {
    return this.#pending.slice(0, size);
  }

  /** Apply the function's answer to `batch` (undefined: no answer). */
  settle(batch: readonly TrialRecord[], body: unknown): BatchAnswer {
    const answer = body === undefined ? { acked: [], invalid: undefined } : ackedBy(this.source, batch, body);
    const acked = new Set(answer.acked);
    this.#pending = this.#pending.filter((record) => !acked.has(record));
    return answer;
  }
}

/** The records of `batch` that an answer `body` acks. */
export function ackedBy(source: SourceKind, batch: readonly TrialRecord[], body: unknown): BatchAnswer {
  const failures = (body as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(failures))
    return { acked: [], invalid: `no batchItemFailures in ${JSON.stringify(body)}` };
  const ids = failures.map((failure) => (failure as { itemIdentifier?: unknown }).itemIdentifier);
  const byId = new Map(batch.map((record) => [record.id, record]));
  const unknown = ids.filter((id) => typeof id !== 'string' || !byId.has(id));
  // Lambda fails the whole batch on an answer naming an id that is not in it.
  if (unknown.length > 0) return { acked: [], invalid: `unknown ids ${JSON.stringify(unknown)}` };
  if (new Set(ids).size !== ids.length) return { acked: [], invalid: `duplicate ids ${JSON.stringify(ids)}` };
  if (source === SourceKind.kinesis) {
    if (ids.length > 1) return { acked: [], invalid: `Kinesis answer with ${ids.length} ids` };
    const first = ids.length === 0 ? batch.length : batch.findIndex((record) => record.id === ids[0]);
    return { acked: batch.slice(0, first), invalid: undefined };
  }
  const failed = new Set(ids);
  return { acked: batch.filter((record) => !failed.has(record.id)), invalid: undefined };
}
