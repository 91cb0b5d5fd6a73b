import type { StoredQuarantineEntry } from './readDestinations.ts';
import type { ChaosRecord } from './workload.ts';

/** The quarantine `source` of events a CloudWatch Logs destination refused. */
export const DESTINATION_REFUSAL_SOURCE = 'cloudwatch-logs';

/** What a lane's quarantine holds of its records, compared with what was sent and acked. */
export interface LaneVerdict {
  readonly expectedLogs: number;
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

/**
 * Check the lane's records against its quarantine (every sink the lane has): each acked poison
 * record there with its reason, no valid record there. What each service holds is checked by
 * `checkStoredLogs`.
 */
export function checkLane(
  records: readonly ChaosRecord[],
  acked: ReadonlySet<string>,
  quarantine: readonly StoredQuarantineEntry[],
): LaneVerdict {
  const bySourceRecord = new Map<string, string[]>();
  for (const entry of quarantine) {
    if (entry.source === DESTINATION_REFUSAL_SOURCE) continue;
    bySourceRecord.set(entry.recordId, [...(bySourceRecord.get(entry.recordId) ?? []), entry.reason]);
  }
  let expectedLogs = 0;
  const poisonMissing: string[] = [];
  const poisonWrongReason: string[] = [];
  const wronglyQuarantined: string[] = [];
  let quarantined = 0;
  let notAcked = 0;
  for (const record of records) {
    expectedLogs += record.logs.length;
    const reasons = bySourceRecord.get(record.id);
    if (!acked.has(record.id)) notAcked++;
    if (record.poison === undefined) {
      if (reasons !== undefined) wronglyQuarantined.push(`${record.id} (${reasons.join(', ')})`);
    } else if (reasons !== undefined) {
      quarantined++;
      if (!reasons.includes(record.poison.reason))
        poisonWrongReason.push(`${record.id} (${reasons.join(', ')})`);
    } else if (acked.has(record.id)) {
      poisonMissing.push(record.id);
    }
  }
  return { expectedLogs, quarantined, poisonMissing, poisonWrongReason, wronglyQuarantined, notAcked };
}
