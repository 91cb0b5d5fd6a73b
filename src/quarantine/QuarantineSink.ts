import type { PoisonReason } from '../errors.ts';

/** One record (or part of one) that can never be delivered, with why. */
export interface QuarantineEntry {
  /** Why it is quarantined. */
  readonly reason: PoisonReason;
  /** The error message: which check failed and where. Never contains log contents beyond a short escaped prefix. */
  readonly detail: string;
  /** Where the record came from: `sqs`, `kinesis`, or the destination that refused it (`cloudwatch-logs`). */
  readonly source: string;
  /** The source record id (SQS messageId, Kinesis sequence number). */
  readonly recordId: string;
  /** The pipeline flusher whose destination refused this part (absent for records that could not be decoded). */
  readonly flusher?: string | undefined;
  /** The raw payload bytes. */
  readonly payload: Uint8Array;
}

/**
 * Durable storage for poison records. `put` resolves only when the entry is durable: the runtime
 * acks a poison record only after that, and retries it otherwise.
 */
export interface QuarantineSink {
  put(entry: QuarantineEntry, signal?: AbortSignal): Promise<void>;
  description(): string;
}
