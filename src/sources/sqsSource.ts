import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { InvalidEventError } from '../errors.ts';
import type { Routing, SourceRecord } from './SourceRecord.ts';

/** SQS message attributes that route a message (string attributes; see README "Routing"). */
export const SQS_ROUTING_ATTRIBUTES = ['project', 'logstore', 'configName', 'logstoreKey'] as const;

/**
 * Turn an SQS event into source records. A message with `MessageGroupId` (FIFO) is ordered
 * within its group; standard queue messages carry no order.
 */
export function sqsRecords(event: SQSEvent): SourceRecord[] {
  if (!event || !Array.isArray(event.Records))
    throw new InvalidEventError('SQS event without a Records array');
  return event.Records.map((message, index) => {
    if (typeof message?.messageId !== 'string' || message.messageId === '') {
      throw new InvalidEventError(`SQS record ${index} has no messageId`);
    }
    const body = typeof message.body === 'string' ? message.body : '';
    const groupId = message.attributes?.MessageGroupId;
    return {
      id: message.messageId,
      index,
      orderKey: groupId ? `fifo:${groupId}` : undefined,
      raw: () => Buffer.from(body, 'utf8'),
      payloads: () => [Buffer.from(body, 'utf8')],
      routing: sqsRouting(message),
      sizeBytes: Buffer.byteLength(body, 'utf8'),
    };
  });
}

function sqsRouting(message: SQSRecord): Routing {
  const routing: Routing = {};
  for (const name of SQS_ROUTING_ATTRIBUTES) {
    const value = message.messageAttributes?.[name]?.stringValue;
    if (typeof value === 'string' && value !== '') routing[name] = value;
  }
  return routing;
}

/** The partial batch response: exactly the messages not acked, each named once. */
export function sqsResponse(notAcked: readonly SourceRecord[]): SQSBatchResponse {
  const ids = [...new Set(notAcked.map((record) => record.id))];
  return { batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) };
}
