import type { SQSEvent } from 'aws-lambda';
import { sqsMessage } from '../../test/helpers/events.ts';

/**
 * A standard-queue SQS event as Lambda delivers it, one message per body, in order. Message ids
 * are UUID-shaped and sort in event order (the naive function names its objects by them).
 */
export function sqsEvent(bodies: readonly string[]): SQSEvent {
  return { Records: bodies.map((body, i) => sqsMessage(body, { messageId: messageId(0, i) })) };
}

/**
 * The same messages under new message ids (copy number `round`), as if the producer had sent them
 * again; bodies are shared, not copied. The flushers remember what they stored per message id, so
 * handling the very same event twice would skip the writes instead of measuring them.
 */
export function withFreshMessageIds(event: SQSEvent, round: number): SQSEvent {
  return {
    Records: event.Records.map((record, i) => ({ ...record, messageId: messageId(round, i) })),
  };
}

function messageId(round: number, index: number): string {
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
  return `${hex(round, 8)}-0000-4000-8000-${hex(index, 12)}`;
}
