import {
  DAY_MS,
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  MAX_BATCH_SPAN_MS,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_FUTURE_MS,
  MAX_EVENT_MESSAGE_BYTES,
} from './limits.ts';

/** What the batcher needs of an event: its time and the UTF-8 size of its message. */
export interface SizedEvent {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** UTF-8 bytes of the message (without the 26-byte overhead). */
  readonly bytes: number;
}

/** Why an event can never be accepted by PutLogEvents. */
export const RefusalKind = {
  /** Older than 14 days. */
  tooOld: 'too-old',
  /** Older than the log group's retention. */
  expired: 'expired',
  /** More than 2 hours in the future. */
  tooNew: 'too-new',
  /** Its message alone is over the event size limit. */
  tooLarge: 'too-large',
} as const;
export type RefusalKind = (typeof RefusalKind)[keyof typeof RefusalKind];

/** The time window the service accepts, as seen at `now`. */
export interface EventWindow {
  readonly now: number;
  /** The log group's retention in days, when known (events older than it are expired). */
  readonly retentionDays?: number | undefined;
}

/** Why `event` would be refused, or `undefined` when the service can accept it. */
export function refusalOf(event: SizedEvent, window: EventWindow): RefusalKind | undefined {
  if (event.bytes > MAX_EVENT_MESSAGE_BYTES) return RefusalKind.tooLarge;
  if (event.timestamp > window.now + MAX_EVENT_FUTURE_MS) return RefusalKind.tooNew;
  if (event.timestamp < window.now - MAX_EVENT_AGE_MS) return RefusalKind.tooOld;
  if (window.retentionDays !== undefined && event.timestamp < window.now - window.retentionDays * DAY_MS) {
    return RefusalKind.expired;
  }
  return undefined;
}

/** Split events into those the service can accept and those it would refuse, with why. */
export function splitByWindow<E extends SizedEvent>(
  events: readonly E[],
  window: EventWindow,
): { accepted: E[]; refused: Array<{ event: E; kind: RefusalKind }> } {
  const accepted: E[] = [];
  const refused: Array<{ event: E; kind: RefusalKind }> = [];
  for (const event of events) {
    const kind = refusalOf(event, window);
    if (kind === undefined) accepted.push(event);
    else refused.push({ event, kind });
  }
  return { accepted, refused };
}

/** One PutLogEvents request's worth of events, in chronological order. */
export interface Batch<E extends SizedEvent> {
  readonly events: E[];
  /** Request size as the service counts it: Σ (message bytes + 26). */
  readonly bytes: number;
}

/** Request size of one event as PutLogEvents counts it. */
export function eventCost(event: SizedEvent): number {
  return event.bytes + EVENT_OVERHEAD_BYTES;
}

/**
 * Sort events by timestamp (stable: equal timestamps keep their input order) and pack them
 * greedily into PutLogEvents requests: each request takes events while the count stays within
 * 10,000, the size within 1,048,576 bytes and the span below 24 h. Every limit holds for any
 * contiguous part of a valid request, so greedy packing gives the fewest requests possible for
 * the sorted sequence (exchange argument; the property test checks it against a DP minimum).
 *
 * Events must already be acceptable one by one ({@link splitByWindow}); an event over the size
 * limit throws, because it could never be sent.
 *
 * @example
 * ```ts
 * const batches = packBatches([{ timestamp: 2, bytes: 10 }, { timestamp: 1, bytes: 5 }]);
 * // one batch: timestamps 1, 2; bytes 15 + 2·26
 * ```
 */
export function packBatches<E extends SizedEvent>(events: readonly E[]): Batch<E>[] {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const batches: Batch<E>[] = [];
  let current: E[] = [];
  let bytes = 0;
  for (const event of sorted) {
    const cost = eventCost(event);
    if (cost > MAX_BATCH_BYTES) throw new RangeError(`event of ${event.bytes} bytes cannot fit any request`);
    const first = current[0];
    const fits =
      first !== undefined &&
      current.length < MAX_BATCH_EVENTS &&
      bytes + cost <= MAX_BATCH_BYTES &&
      event.timestamp - first.timestamp < MAX_BATCH_SPAN_MS;
    if (!fits && first !== undefined) {
      batches.push({ events: current, bytes });
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += cost;
  }
  if (current.length > 0) batches.push({ events: current, bytes });
  return batches;
}
