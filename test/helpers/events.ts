import type { KinesisStreamEvent, KinesisStreamRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { localLambdaContext } from '../../src/cli/localLambdaContext.ts';

let counter = 0;

/** One SQS message; the body first, as a test reads it. */
export function sqsMessage(
  body: string,
  options: { messageId?: string; groupId?: string; attributes?: Record<string, string> } = {},
): SQSRecord {
  const messageId = options.messageId ?? `msg-${++counter}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1700000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1700000000001',
      ...(options.groupId
        ? { MessageGroupId: options.groupId, MessageDeduplicationId: messageId, SequenceNumber: `${counter}` }
        : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(options.attributes ?? {}).map(([k, v]) => [k, { stringValue: v, dataType: 'String' }]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${options.groupId ? 'ingest.fifo' : 'ingest'}`,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(messages: SQSRecord[]): SQSEvent {
  return { Records: messages };
}

/** One Kinesis record; the data first. Sequence numbers increase with each call. */
export function kinesisRecord(
  data: Uint8Array,
  options: { sequenceNumber?: string; shard?: string } = {},
): KinesisStreamRecord {
  const sequenceNumber =
    options.sequenceNumber ?? `4959000000000000000000000000${String(++counter).padStart(10, '0')}`;
  const shard = options.shard ?? 'shardId-000000000000';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'pk',
      sequenceNumber,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1_700_000_000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shard}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/ingest',
  };
}

export function kinesisEvent(records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}

/** A Lambda context whose deadline is `remainingMs` from now. */
export const lambdaContext = (remainingMs = 30_000) =>
  localLambdaContext(remainingMs, 'loggroup-flusher-test');
