import type { DestinationContents } from './readDestinations.ts';
import { parseLogLines } from './readDestinations.ts';
import type { ChaosRecord } from './workload.ts';

/** The quarantine `source` of events a CloudWatch Logs destination refused. */
const DESTINATION_REFUSAL_SOURCE = 'cloudwatch-logs';
/** How many examples of lost logs a verdict keeps. */
const SAMPLE = 10;

/** What a lane's destination holds, compared with what was sent and acked. */
export interface LaneVerdict {
  readonly expectedLogs: number;
  readonly storedLogs: number;
  /** Logs of acked records found nowhere (destination, or its quarantine for refused events). */
  readonly lost: number;
  readonly lostSample: readonly string[];
  /** Logs stored with a different `msg` than sent. */
  readonly corrupted: number;
  /** Logs stored that no record sent. */
  readonly unexpected: number;
  /** Extra copies of logs: Σ (copies − 1). */
  readonly duplicateLogs: number;
  /** Logs the destination refused (outside CloudWatch Logs' time window) and quarantined with their record. */
  readonly refusedQuarantined: number;
  /** Poison records found in quarantine. */
  readonly quarantined: number;
  /** Acked poison records with no quarantine entry. */
  readonly poisonMissing: readonly string[];
  /** Poison records quarantined, but never with the expected reason. */
  readonly poisonWrongReason: readonly string[];
  /** Valid records quarantined as poison. */
  readonly wronglyQuarantined: readonly string[];
  /** Records never acked (the run did not converge). */
  readonly notAcked: number;
}

export function checkLane(
  records: readonly ChaosRecord[],
  acked: ReadonlySet<string>,
  contents: DestinationContents,
  options: { readonly refusesOutsideWindow: boolean },
): LaneVerdict {
  const copies = new Map<string, number>();
  for (const log of contents.logs)
    if (log.id !== undefined) copies.set(log.id, (copies.get(log.id) ?? 0) + 1);
  const refused = new Set<string>();
  const bySourceRecord = new Map<string, string[]>();
  for (const entry of contents.quarantine) {
    if (entry.source === DESTINATION_REFUSAL_SOURCE) {
      for (const log of parseLogLines(entry.payload.toString('utf8')))
        if (log.id !== undefined) refused.add(log.id);
    } else {
      bySourceRecord.set(entry.recordId, [...(bySourceRecord.get(entry.recordId) ?? []), entry.reason]);
    }
  }

  const expectedMsg = new Map<string, string>();
  const lost: string[] = [];
  let lostCount = 0;
  let refusedQuarantined = 0;
  const poisonMissing: string[] = [];
  const poisonWrongReason: string[] = [];
  const wronglyQuarantined: string[] = [];
  let quarantined = 0;
  let notAcked = 0;
  for (const record of records) {
    for (const log of record.logs) expectedMsg.set(log.id, log.msg);
    const reasons = bySourceRecord.get(record.id);
    if (!acked.has(record.id)) notAcked++;
    if (record.poison !== undefined) {
      if (reasons !== undefined) {
        quarantined++;
        if (!reasons.includes(record.poison.reason))
          poisonWrongReason.push(`${record.id} (${reasons.join(', ')})`);
      } else if (acked.has(record.id)) {
        poisonMissing.push(record.id);
      }
      continue;
    }
    if (reasons !== undefined) wronglyQuarantined.push(`${record.id} (${reasons.join(', ')})`);
    if (!acked.has(record.id)) continue;
    for (const log of record.logs) {
      if (options.refusesOutsideWindow && log.outsideWindow && refused.has(log.id)) {
        refusedQuarantined++;
        continue;
      }
      if (copies.has(log.id)) continue;
      lostCount++;
      if (lost.length < SAMPLE) lost.push(`${log.id} (record ${record.id}, ${record.format})`);
    }
  }

  let corrupted = 0;
  let unexpected = 0;
  for (const log of contents.logs) {
    const msg = log.id === undefined ? undefined : expectedMsg.get(log.id);
    if (msg === undefined) unexpected++;
    else if (msg !== log.msg) corrupted++;
  }
  let duplicateLogs = 0;
  for (const n of copies.values()) duplicateLogs += n - 1;
  return {
    expectedLogs: expectedMsg.size,
    storedLogs: contents.logs.length,
    lost: lostCount,
    lostSample: lost,
    corrupted,
    unexpected,
    duplicateLogs,
    refusedQuarantined,
    quarantined,
    poisonMissing,
    poisonWrongReason,
    wronglyQuarantined,
    notAcked,
  };
}
