import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  packBatches,
  RefusalKind,
  refusalOf,
  splitByWindow,
} from '../../../src/flushers/cloudwatch/batcher.ts';

// The service's limits, written out again (not imported) so the check is independent of the code.
const REQUEST_BYTES = 1_048_576;
const OVERHEAD = 26;
const EVENTS = 10_000;
const DAY = 86_400_000;

interface TestEvent {
  readonly id: number;
  readonly timestamp: number;
  readonly bytes: number;
}

/** Valid as one request: sorted, ≤ 10,000 events, ≤ 1 MiB with overhead, span under 24 h. */
function validRequest(events: readonly TestEvent[]): boolean {
  if (events.length === 0 || events.length > EVENTS) return false;
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && events[i]!.timestamp < events[i - 1]!.timestamp) return false;
    bytes += events[i]!.bytes + OVERHEAD;
  }
  return bytes <= REQUEST_BYTES && events[events.length - 1]!.timestamp - events[0]!.timestamp < DAY;
}

/** Fewest contiguous valid requests for this sequence, by exhaustive dynamic programming. */
function minimumRequests(sorted: readonly TestEvent[]): number {
  const best = new Array<number>(sorted.length + 1).fill(Number.POSITIVE_INFINITY);
  best[0] = 0;
  for (let end = 1; end <= sorted.length; end++) {
    for (let start = 0; start < end; start++) {
      if (validRequest(sorted.slice(start, end))) best[end] = Math.min(best[end]!, best[start]! + 1);
    }
  }
  return best[sorted.length]!;
}

function stableSorted(events: readonly TestEvent[]): TestEvent[] {
  // Insertion sort: stable by construction, independent of Array.prototype.sort.
  const out: TestEvent[] = [];
  for (const event of events) {
    let i = out.length;
    while (i > 0 && out[i - 1]!.timestamp > event.timestamp) i--;
    out.splice(i, 0, event);
  }
  return out;
}

// Sizes mostly small, sometimes large enough that a few fill a request; times spread over 3 days
// in coarse steps so equal timestamps (stability) and the 24 h span both come up often.
const size = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 100_000, max: 400_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: REQUEST_BYTES - OVERHEAD - 50, max: REQUEST_BYTES - OVERHEAD }) },
);
const timestamp = fc.integer({ min: 0, max: 72 }).map((hour) => 1_700_000_000_000 + hour * 3_600_000);
const events = fc
  .array(fc.record({ timestamp, bytes: size }), { maxLength: 60 })
  .map((list) => list.map((e, id) => ({ id, ...e })));

describe('packBatches', () => {
  it('makes valid requests holding every event once, in stable timestamp order, as few as possible', () => {
    fc.assert(
      fc.property(events, (input) => {
        const batches = packBatches(input);
        for (const batch of batches) {
          expect(validRequest(batch.events)).toBe(true);
          expect(batch.bytes).toBe(batch.events.reduce((sum, e) => sum + e.bytes + OVERHEAD, 0));
        }
        const sorted = stableSorted(input);
        expect(batches.flatMap((b) => b.events.map((e) => e.id))).toEqual(sorted.map((e) => e.id));
        expect(batches).toHaveLength(minimumRequests(sorted));
      }),
      { numRuns: 300 },
    );
  });

  it('splits only on the 10,000-event limit when events are tiny and simultaneous', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 25_000 }), (count) => {
        const input = Array.from({ length: count }, (_, id) => ({ id, timestamp: 5, bytes: 1 }));
        const batches = packBatches(input);
        expect(batches).toHaveLength(Math.ceil(count / EVENTS));
        expect(batches.every((b) => b.events.length <= EVENTS)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('fills a request to exactly 1,048,576 bytes and starts a new one a byte later', () => {
    const half = REQUEST_BYTES / 2 - OVERHEAD;
    expect(
      packBatches([
        { timestamp: 1, bytes: half },
        { timestamp: 1, bytes: half },
      ]),
    ).toHaveLength(1);
    expect(
      packBatches([
        { timestamp: 1, bytes: half },
        { timestamp: 1, bytes: half + 1 },
      ]),
    ).toHaveLength(2);
  });

  it('keeps a request under a 24 h span', () => {
    expect(
      packBatches([
        { timestamp: 0, bytes: 1 },
        { timestamp: DAY - 1, bytes: 1 },
      ]),
    ).toHaveLength(1);
    expect(
      packBatches([
        { timestamp: 0, bytes: 1 },
        { timestamp: DAY, bytes: 1 },
      ]),
    ).toHaveLength(2);
  });

  it('refuses to pack an event too large for any request', () => {
    expect(() => packBatches([{ timestamp: 0, bytes: REQUEST_BYTES - OVERHEAD + 1 }])).toThrow(RangeError);
  });
});

describe('the time window and size check before sending', () => {
  const now = 1_800_000_000_000;
  const event = (timestamp: number, bytes = 10) => ({ timestamp, bytes });

  it('accepts events from 14 days ago to 2 hours ahead, inclusive', () => {
    expect(refusalOf(event(now - 14 * DAY), { now })).toBeUndefined();
    expect(refusalOf(event(now + 2 * 3_600_000), { now })).toBeUndefined();
  });

  it('names each kind of refusal', () => {
    expect(refusalOf(event(now - 14 * DAY - 1), { now })).toBe(RefusalKind.tooOld);
    expect(refusalOf(event(now + 2 * 3_600_000 + 1), { now })).toBe(RefusalKind.tooNew);
    expect(refusalOf(event(now - 3 * DAY - 1), { now, retentionDays: 3 })).toBe(RefusalKind.expired);
    expect(refusalOf(event(now - 3 * DAY), { now, retentionDays: 3 })).toBeUndefined();
    expect(refusalOf(event(now, REQUEST_BYTES - OVERHEAD + 1), { now })).toBe(RefusalKind.tooLarge);
    expect(refusalOf(event(now, REQUEST_BYTES - OVERHEAD), { now })).toBeUndefined();
  });

  it('splits into accepted and refused without losing or reordering any event', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: now - 20 * DAY, max: now + DAY }), { maxLength: 40 }),
        fc.constantFrom(undefined, 1, 7, 30),
        (times, retentionDays) => {
          const input = times.map((timestamp, id) => ({ id, timestamp, bytes: 1 }));
          const { accepted, refused } = splitByWindow(input, { now, retentionDays });
          expect(accepted.every((e) => refusalOf(e, { now, retentionDays }) === undefined)).toBe(true);
          expect(refused.every(({ event, kind }) => refusalOf(event, { now, retentionDays }) === kind)).toBe(
            true,
          );
          const ids = [...accepted.map((e) => e.id), ...refused.map((r) => r.event.id)].sort((a, b) => a - b);
          expect(ids).toEqual(input.map((e) => e.id));
        },
      ),
    );
  });
});
