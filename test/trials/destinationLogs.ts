// What a destination holds, as `uid` → number of copies: read from s3rver (every object under a
// prefix, JSON Lines) or from the CloudWatch Logs endpoint's store (every event of the log
// groups under a prefix, whose message is the JSON log line).
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { CloudWatchLogsEndpoint } from '../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { type S3TestEnvironment, TEST_BUCKET } from '../fixtures/s3/s3TestEnvironment.ts';
import type { TrialRecord } from './trialRecords.ts';

/** `uid` → copies stored. */
export type StoredLogs = Map<string, number>;

export interface Durability {
  /** Every log of the record is stored. */
  durable(record: TrialRecord): boolean;
  /** Logs of these records that are missing. */
  missing(records: readonly TrialRecord[]): string[];
  /** Logs stored more than once (at-least-once delivery; not an error). */
  readonly duplicates: number;
}

/**
 * Whether the function could know the record durable: a flush call resolves only when all of its
 * logs are stored, and a record is acked only when every call holding its logs resolved. Calls
 * are cut as the runtime cuts them (src/runtime/planDelivery.ts): one per logstore, and within an
 * order key a new wave of calls each time a record goes to other logstores than the one before.
 * A record whose own logs happen to be stored while the rest of one of its calls is not may
 * rightly be reported (it is redelivered: at least once).
 */
export function knowablyDurable(
  batch: readonly TrialRecord[],
  stored: StoredLogs,
): (record: TrialRecord) => boolean {
  const calls = new Map<TrialRecord, string[]>();
  const waves = new Map<string, { signature: string; wave: number }>();
  for (const record of batch) {
    const logstores = [...record.byLogstore.keys()];
    if (logstores.length === 0) continue;
    const signature = [...logstores].sort().join('\u0001');
    let wave = 0;
    if (record.orderKey !== undefined) {
      const state = waves.get(record.orderKey);
      if (state === undefined) waves.set(record.orderKey, { signature, wave: 0 });
      else if (state.signature !== signature) {
        state.signature = signature;
        wave = ++state.wave;
      } else wave = state.wave;
    }
    calls.set(
      record,
      logstores.map((logstore) => `${wave}\u0000${logstore}`),
    );
  }
  const complete = new Map<string, boolean>();
  for (const record of batch) {
    for (const [index, call] of (calls.get(record) ?? []).entries()) {
      const uids = [...record.byLogstore.values()][index]!;
      complete.set(call, (complete.get(call) ?? true) && uids.every((uid) => stored.has(uid)));
    }
  }
  return (record) => (calls.get(record) ?? []).every((call) => complete.get(call) === true);
}

export function durability(stored: StoredLogs): Durability {
  let duplicates = 0;
  for (const copies of stored.values()) duplicates += copies - 1;
  return {
    durable: (record) => record.uids.every((uid) => stored.has(uid)),
    missing: (records) => records.flatMap((record) => record.uids.filter((uid) => !stored.has(uid))),
    duplicates,
  };
}

function count(stored: StoredLogs, line: string): void {
  const uid = (JSON.parse(line) as { contents?: { uid?: unknown } }).contents?.uid;
  if (typeof uid !== 'string') throw new Error(`stored line without a uid: ${line.slice(0, 200)}`);
  stored.set(uid, (stored.get(uid) ?? 0) + 1);
}

/** The logs of every JSON Lines object under `prefix` (quarantine excluded). */
export async function s3Logs(s3: S3TestEnvironment, prefix: string): Promise<StoredLogs> {
  const stored: StoredLogs = new Map();
  for (const key of await s3.keys(prefix)) {
    if (key.startsWith(`${prefix}_quarantine/`)) continue;
    const object = await s3.read(key);
    for (const line of object.body.toString('utf8').split('\n')) if (line !== '') count(stored, line);
  }
  return stored;
}

/** Delete every object under `prefix` (a finished trial's data), straight from s3rver. */
export async function deleteS3Objects(s3: S3TestEnvironment, prefix: string): Promise<void> {
  for (const key of await s3.keys(prefix)) {
    await s3.inspect.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
  }
}

/** The logs of every event in the log groups whose name starts with `groupPrefix`. */
export function cloudWatchLogs(endpoint: CloudWatchLogsEndpoint, groupPrefix: string): StoredLogs {
  const stored: StoredLogs = new Map();
  for (const [name, group] of endpoint.service.groups) {
    if (!name.startsWith(groupPrefix)) continue;
    for (const events of group.streams.values()) for (const event of events) count(stored, event.message);
  }
  return stored;
}

/** Forget the log groups whose name starts with `groupPrefix` (a finished trial's data). */
export function deleteCloudWatchGroups(endpoint: CloudWatchLogsEndpoint, groupPrefix: string): void {
  for (const name of [...endpoint.service.groups.keys()]) {
    if (name.startsWith(groupPrefix)) endpoint.service.groups.delete(name);
  }
}
