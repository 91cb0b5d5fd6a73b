import { createHash } from 'node:crypto';
import { stableId } from '../shared/stableId.ts';
import type { QuarantineEntry } from './QuarantineSink.ts';

/** Bumped if the id derivation ever changes, so old and new ids cannot collide. */
const ID_VERSION = 'loggroup-flusher/quarantine/v1';

/**
 * The id a quarantine sink stores an entry under: from source, record id, reason and a digest of
 * the payload. Quarantining a redelivered record again gives the same id (a no-op or a replace),
 * while two parts of one record refused for the same reason (too-old and too-new events of one
 * record, say) get separate ids.
 *
 * @example
 * ```ts
 * const name = `${quarantineEntryId(entry)}.json`;
 * ```
 */
export function quarantineEntryId(entry: QuarantineEntry): string {
  const payloadSha256 = createHash('sha256').update(entry.payload).digest('hex');
  const fields = [ID_VERSION, entry.source, entry.recordId, entry.reason, payloadSha256];
  // Two pipeline flushers refusing the same part keep two entries; ids without a flusher are unchanged.
  if (entry.flusher !== undefined) fields.push(`flusher:${entry.flusher}`);
  return stableId(fields);
}
