import { encodedLogs } from '../../protocol/encodedLogs.ts';
import type { KeyValue, LogGroup } from '../../protocol/LogGroup.ts';

/** Per-log allowance for the time fields and JSON/protobuf framing around the contents. */
const LOG_OVERHEAD = 32;
/** Per-pair allowance for quotes, separators and field tags. */
const PAIR_OVERHEAD = 6;

/**
 * A cheap estimate of the uncompressed bytes LogGroups turn into (string lengths plus framing, meta and tags counted
 * per log as JSON Lines repeat them),
 * used for the in-flight byte budget before anything is encoded. Within tens of percent of the
 * real JSONL or protobuf size; exact sizes are known only after encoding.
 *
 * @example
 * ```ts
 * const bytes = estimateRawBytes(logGroups);
 * ```
 */
export function estimateRawBytes(groups: readonly LogGroup[]): number {
  let total = 0;
  for (const group of groups) {
    const meta =
      pairsBytes(group.logTags) +
      (group.topic?.length ?? 0) +
      (group.source?.length ?? 0) +
      (group.machineUUID?.length ?? 0) +
      (group.category?.length ?? 0);
    // JSON Lines repeat the group's meta and tags on every line: count them per log (the larger format).
    const encoded = encodedLogs(group);
    if (encoded === undefined) {
      for (const log of group.logs) total += LOG_OVERHEAD + meta + pairsBytes(log.contents);
      continue;
    }
    // Logs still encoded: their protobuf size stands for their contents (its tags and lengths
    // take the place of the per-pair allowance), so they need not be decoded to be counted.
    const { starts, ends } = encoded;
    for (let i = 0; i < starts.length; i++) total += LOG_OVERHEAD + meta + ends[i]! - starts[i]!;
  }
  return total;
}

function pairsBytes(pairs: readonly KeyValue[]): number {
  let bytes = 0;
  for (const { key, value } of pairs) bytes += key.length + value.length + PAIR_OVERHEAD;
  return bytes;
}
