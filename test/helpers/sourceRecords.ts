import type { SourceRecord } from '../../src/sources/SourceRecord.ts';

/** Bare source records `r0`, `r1`, … with these order keys (`undefined`: unordered) and no payload. */
export function sourceRecords(orderKeys: readonly (string | undefined)[]): SourceRecord[] {
  return orderKeys.map((orderKey, index) => ({
    id: `r${index}`,
    index,
    orderKey,
    raw: () => new Uint8Array(),
    payloads: () => [],
    routing: {},
    sizeBytes: 0,
  }));
}
