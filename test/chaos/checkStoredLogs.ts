import { DESTINATION_REFUSAL_SOURCE } from './checkLane.ts';
import { parseLogLines, type StoredLog, type StoredQuarantineEntry } from './readDestinations.ts';
import type { ChaosRecord } from './workload.ts';

/** How many examples of lost logs a verdict keeps. */
const SAMPLE = 10;

/** What one service holds of a lane's logs, compared with what was sent and acked. */
export interface StoredLogsVerdict {
  readonly storedLogs: number;
  /** Logs of acked records found nowhere (this service, or the quarantine for the ones it refused). */
  readonly lost: number;
  readonly lostSample: readonly string[];
  /** Logs stored with a different `msg` than sent. */
  readonly corrupted: number;
  /** Logs stored that no record sent. */
  readonly unexpected: number;
  /** Extra copies of logs: Σ (copies − 1). */
  readonly duplicateLogs: number;
  /** Logs the service refused (outside CloudWatch Logs' time window) and quarantined with their record. */
  readonly refusedQuarantined: number;
  /** Refusal entries of this service that do not name its pipeline flusher (or name one in a single-flusher lane). */
  readonly misnamedRefusals: number;
}

export interface StoredLogsOptions {
  /** Whether the service refuses logs outside CloudWatch Logs' time window (quarantining them instead). */
  readonly refusesOutsideWindow: boolean;
  /** The pipeline flusher writing to the service, which its refusal entries must name; undefined without a pipeline. */
  readonly flusher: string | undefined;
}

/** Check that every log of every acked record is stored at one service (or, refused, in quarantine). */
export function checkStoredLogs(
  records: readonly ChaosRecord[],
  acked: ReadonlySet<string>,
  logs: readonly StoredLog[],
  quarantine: readonly StoredQuarantineEntry[],
  options: StoredLogsOptions,
): StoredLogsVerdict {
  const copies = new Map<string, number>();
  for (const log of logs) if (log.id !== undefined) copies.set(log.id, (copies.get(log.id) ?? 0) + 1);
  const refused = new Set<string>();
  let misnamedRefusals = 0;
  if (options.refusesOutsideWindow) {
    for (const entry of quarantine) {
      if (entry.source !== DESTINATION_REFUSAL_SOURCE) continue;
      if (entry.flusher !== options.flusher) misnamedRefusals++;
      for (const log of parseLogLines(entry.payload.toString('utf8')))
        if (log.id !== undefined) refused.add(log.id);
    }
  }

  const expectedMsg = new Map<string, string>();
  const lostSample: string[] = [];
  let lost = 0;
  let refusedQuarantined = 0;
  for (const record of records) {
    for (const log of record.logs) expectedMsg.set(log.id, log.msg);
    if (record.poison !== undefined || !acked.has(record.id)) continue;
    for (const log of record.logs) {
      if (options.refusesOutsideWindow && log.outsideWindow && refused.has(log.id)) {
        refusedQuarantined++;
        continue;
      }
      if (copies.has(log.id)) continue;
      lost++;
      if (lostSample.length < SAMPLE) lostSample.push(`${log.id} (record ${record.id}, ${record.format})`);
    }
  }

  let corrupted = 0;
  let unexpected = 0;
  for (const log of logs) {
    const msg = log.id === undefined ? undefined : expectedMsg.get(log.id);
    if (msg === undefined) unexpected++;
    else if (msg !== log.msg) corrupted++;
  }
  let duplicateLogs = 0;
  for (const n of copies.values()) duplicateLogs += n - 1;
  return {
    storedLogs: logs.length,
    lost,
    lostSample,
    corrupted,
    unexpected,
    duplicateLogs,
    refusedQuarantined,
    misnamedRefusals,
  };
}
