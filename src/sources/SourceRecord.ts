/** Routing fields of a record or LogGroup; absent fields fall back to the next level. */
export interface Routing {
  project?: string | undefined;
  logstore?: string | undefined;
  configName?: string | undefined;
  logstoreKey?: string | undefined;
}

/** What every source (SQS, Kinesis) turns one event record into. */
export interface SourceRecord {
  /** The id the source's batch response names: SQS messageId, Kinesis sequence number. */
  readonly id: string;
  /** Position in the event, the order the source delivered it in. */
  readonly index: number;
  /**
   * Records sharing an order key must be acked in order (a FIFO message group, a Kinesis shard):
   * after the first failure, every later record of the key fails too. `undefined`: no order.
   */
  readonly orderKey: string | undefined;
  /** The record's bytes as delivered (what quarantine keeps). */
  readonly raw: () => Uint8Array;
  /**
   * The payloads to decode: one, or several when the record is a KPL aggregate (all or nothing).
   * Bytes, or a text (an SQS body) that `decodePayload` reads as its UTF-8 bytes.
   */
  readonly payloads: () => (Uint8Array | string)[];
  /** Per-record routing (SQS message attributes). */
  readonly routing: Routing;
  readonly sizeBytes: number;
}

/** Names of the sources, as they appear in quarantine entries and metrics. */
export const SourceName = { sqs: 'sqs', kinesis: 'kinesis' } as const;
export type SourceName = (typeof SourceName)[keyof typeof SourceName];
