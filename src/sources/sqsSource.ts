import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { InvalidEventError } from '../errors.ts';
import { keepShapeAlive } from '../shared/keepShapeAlive.ts';
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
  // A loop, not a closure made per call (see keepShapeAlive.ts).
  const records: SourceRecord[] = [];
  for (let index = 0; index < event.Records.length; index++) {
    const message = event.Records[index];
    if (typeof message?.messageId !== 'string' || message.messageId === '') {
      const hint = (message as { kinesis?: unknown } | undefined)?.kinesis
        ? ' (it looks like a Kinesis record)'
        : '';
      throw new InvalidEventError(`SQS record ${index} has no messageId${hint}`);
    }
    const body = typeof message.body === 'string' ? message.body : '';
    const groupId = message.attributes?.MessageGroupId;
    records.push(
      new SqsSourceRecord(
        message.messageId,
        index,
        groupId ? `fifo:${groupId}` : undefined,
        sqsRouting(message),
        body,
      ),
    );
  }
  return records;
}

/** Routing of a message without routing attributes (most of them): one shared, frozen object. */
const NO_ROUTING: Routing = Object.freeze({});

function sqsRouting(message: SQSRecord): Routing {
  let routing: Routing | undefined;
  for (const name of SQS_ROUTING_ATTRIBUTES) {
    const value = message.messageAttributes?.[name]?.stringValue;
    if (typeof value === 'string' && value !== '') {
      routing ??= {};
      routing[name] = value;
    }
  }
  return routing ?? NO_ROUTING;
}

/**
 * One SQS message. A class rather than an object of closures, as for Kinesis records
 * (kinesisSource.ts): a batch may hold 10,000 messages.
 */
class SqsSourceRecord implements SourceRecord {
  readonly sizeBytes: number;
  readonly #body: string;

  constructor(
    readonly id: string,
    readonly index: number,
    readonly orderKey: string | undefined,
    readonly routing: Routing,
    body: string,
  ) {
    this.#body = body;
    this.sizeBytes = Buffer.byteLength(body, 'utf8');
  }

  raw(): Uint8Array {
    return Buffer.from(this.#body, 'utf8');
  }

  payloads(): string[] {
    return [this.#body];
  }
}

/** The partial batch response: exactly the messages not acked, each named once. */
export function sqsResponse(notAcked: readonly SourceRecord[]): SQSBatchResponse {
  const ids = [...new Set(notAcked.map((record) => record.id))];
  return { batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) };
}

keepShapeAlive(new SqsSourceRecord('', 0, undefined, NO_ROUTING, ''));
