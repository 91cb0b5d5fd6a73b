import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { InvalidEventError } from '../errors.ts';
import { deaggregateKpl, isKplAggregate } from '../input/kpl.ts';
import type { SourceRecord } from './SourceRecord.ts';

/**
 * Turn a Kinesis event into source records, all in one order (a batch comes from one shard).
 * A KPL aggregate becomes several payloads of one record: they succeed or fail together.
 */
export function kinesisRecords(event: KinesisStreamEvent): SourceRecord[] {
  if (!event || !Array.isArray(event.Records))
    throw new InvalidEventError('Kinesis event without a Records array');
  return event.Records.map((record, index) => {
    const kinesis = record?.kinesis;
    if (typeof kinesis?.sequenceNumber !== 'string' || kinesis.sequenceNumber === '') {
      throw new InvalidEventError(`Kinesis record ${index} has no sequenceNumber`);
    }
    const data = typeof kinesis.data === 'string' ? kinesis.data : '';
    const shard = typeof record.eventID === 'string' ? record.eventID.split(':')[0] : undefined;
    return {
      id: kinesis.sequenceNumber,
      index,
      orderKey: `shard:${shard || record.eventSourceARN || 'unknown'}`,
      raw: () => Buffer.from(data, 'base64'),
      payloads: () => {
        const bytes = Buffer.from(data, 'base64');
        return isKplAggregate(bytes) ? deaggregateKpl(bytes) : [bytes];
      },
      routing: {},
      sizeBytes: Math.floor((data.length * 3) / 4),
    };
  });
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
