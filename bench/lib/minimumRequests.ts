import {
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  MAX_BATCH_SPAN_MS,
} from '../../src/flushers/cloudwatch/limits.ts';

/** What the minimum needs of an event. */
export interface TimedSize {
  readonly timestamp: number;
  /** UTF-8 bytes of the message. */
  readonly bytes: number;
}

/**
 * The fewest PutLogEvents requests that can carry one stream's events in chronological order:
 * the fewest contiguous runs of the time-sorted events such that every run holds at most 10,000
 * events, at most 1,048,576 bytes (Σ message + 26) and spans less than 24 h. Computed by dynamic
 * programming over every possible cut (O(n · run length)), independently of the flusher's greedy
 * packer, which it is meant to check.
 */
export function minimumSortedRequests(events: readonly TimedSize[]): number {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const n = sorted.length;
  // best[i]: fewest requests for the first i events.
  const best = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  best[0] = 0;
  for (let end = 1; end <= n; end++) {
    let bytes = 0;
    for (let start = end - 1; start >= 0; start--) {
      bytes += sorted[start]!.bytes + EVENT_OVERHEAD_BYTES;
      const count = end - start;
      const span = sorted[end - 1]!.timestamp - sorted[start]!.timestamp;
      if (bytes > MAX_BATCH_BYTES || count > MAX_BATCH_EVENTS || span >= MAX_BATCH_SPAN_MS) break;
      best[end] = Math.min(best[end]!, best[start]! + 1);
    }
  }
  if (!Number.isFinite(best[n]!)) throw new Error('an event fits no request on its own');
  return best[n]!;
}

/**
 * A bound no packing can beat, even one free to put events of any times together: total bytes
 * over the request size, and events over the per-request count.
 */
export function requestLowerBound(events: readonly TimedSize[]): number {
  const bytes = events.reduce((n, event) => n + event.bytes + EVENT_OVERHEAD_BYTES, 0);
  return Math.max(Math.ceil(bytes / MAX_BATCH_BYTES), Math.ceil(events.length / MAX_BATCH_EVENTS));
}
