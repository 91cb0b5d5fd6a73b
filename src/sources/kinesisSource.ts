import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { InvalidEventError } from '../errors.ts';
import { deaggregateKpl, isKplAggregate } from '../input/kpl.ts';
import { keepShapeAlive } from '../shared/keepShapeAlive.ts';
import type { Routing, SourceRecord } from './SourceRecord.ts';

/**
 * Turn a Kinesis event into source records, all in one order (a batch comes from one shard).
 * A KPL aggregate becomes several payloads of one record: they succeed or fail together.
 */
export function kinesisRecords(event: KinesisStreamEvent): SourceRecord[] {
  if (!event || !Array.isArray(event.Records))
    throw new InvalidEventError('Kinesis event without a Records array');
  // Every record of a batch names the same shard: its order key is built once, not per record.
  let lastShard: string | undefined;
  let lastOrderKey = '';
  // A loop, not a closure made per call (see keepShapeAlive.ts).
  const records: SourceRecord[] = [];
  for (let index = 0; index < event.Records.length; index++) {
    const record = event.Records[index];
    const kinesis = record?.kinesis;
    if (typeof kinesis?.sequenceNumber !== 'string' || kinesis.sequenceNumber === '') {
      // An SQS event given to the Kinesis function (or to the CLI with the wrong --source).
      const hint =
        typeof (record as { messageId?: unknown } | undefined)?.messageId === 'string'
          ? ' (it looks like an SQS message)'
          : '';
      throw new InvalidEventError(`Kinesis record ${index} has no sequenceNumber${hint}`);
    }
    const data = typeof kinesis.data === 'string' ? kinesis.data : '';
    const eventID = record?.eventID;
    if (!sameShard(eventID, lastShard)) {
      const shard = typeof eventID === 'string' ? shardOf(eventID) : undefined;
      lastShard = shard;
      lastOrderKey = `shard:${shard || record?.eventSourceARN || 'unknown'}`;
    }
    records.push(new KinesisSourceRecord(kinesis.sequenceNumber, index, lastOrderKey, data));
  }
  return records;
}

/** Whether `eventID` names the non-empty `shard` (which holds no colon) before its first colon. */
function sameShard(eventID: unknown, shard: string | undefined): boolean {
  return (
    typeof eventID === 'string' &&
    shard !== undefined &&
    shard !== '' &&
    eventID.charCodeAt(shard.length) === COLON &&
    eventID.startsWith(shard)
  );
}

const COLON = 0x3a;

/** The shard part of an `eventID` (`shardId-…:sequence`): everything before the first colon. */
function shardOf(eventID: string): string {
  const colon = eventID.indexOf(':');
  return colon < 0 ? eventID : eventID.slice(0, colon);
}

/** Kinesis records carry no routing of their own. */
const NO_ROUTING: Routing = Object.freeze({});

/**
 * One Kinesis record. A class rather than an object of closures: the shape-grid benchmark
 * (BENCHMARKS.md, issue 15) measured two closures per record as a visible part of a 10,000-record
 * batch (with the bundle's `keepNames`, each closure also costs a `__name` call).
 */
class KinesisSourceRecord implements SourceRecord {
  readonly routing = NO_ROUTING;
  readonly sizeBytes: number;
  readonly #data: string;

  constructor(
    readonly id: string,
    readonly index: number,
    readonly orderKey: string,
    data: string,
  ) {
    this.#data = data;
    this.sizeBytes = Math.floor((data.length * 3) / 4);
  }

  raw(): Uint8Array {
    return Buffer.from(this.#data, 'base64');
  }

  payloads(): Uint8Array[] {
    const bytes = Buffer.from(this.#data, 'base64');
    return isKplAggregate(bytes) ? deaggregateKpl(bytes) : [bytes];
  }
}

/**
 * The Kinesis partial batch response: the first record not acked (Lambda redelivers from there
 * on, so every record before it must be durable), or nothing when all succeeded.
 */
export function kinesisResponse(notAcked: readonly SourceRecord[]): KinesisStreamBatchResponse {
  const first = notAcked.reduce<SourceRecord | undefined>(
    (a, r) => (a === undefined || r.index < a.index ? r : a),
    undefined,
  );
  return { batchItemFailures: first ? [{ itemIdentifier: first.id }] : [] };
}

keepShapeAlive(new KinesisSourceRecord('', 0, '', ''));
