import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DurableKeys } from '../../shared/DurableKeys.ts';
import { stableId } from '../../shared/stableId.ts';
import type { CwlEvent } from './events.ts';

/** Bumped if the derivation ever changes, so old and new keys cannot collide. */
const BATCH_KEY_VERSION = 'loggroup-flusher/cloudwatch-batch/v1';

/**
 * A key for the content of one PutLogEvents request: its log group, its stream, and the fields
 * that identify its events, in order. The fields should name each event's source record, so that
 * identical logs of different records never share a key.
 *
 * @example
 * ```ts
 * batchKey('/app', 'web-1', events.flatMap((e) => [recordId, String(e.timestamp), e.message]));
 * ```
 */
export function batchKey(logGroupName: string, logStreamName: string, fields: Iterable<string>): string {
  return stableId(
    (function* () {
      yield BATCH_KEY_VERSION;
      yield logGroupName;
      yield logStreamName;
      yield* fields;
    })(),
  );
}

/**
 * What identifies each LogGroup of the flush across redeliveries: its record and its place among
 * that record's groups in this flush (not its place in the flush, which changes when records are
 * regrouped).
 */
export function groupIdentities(recordIds: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return recordIds.map((recordId) => {
    const ordinal = seen.get(recordId) ?? 0;
    seen.set(recordId, ordinal + 1);
    return `${recordId}#${ordinal}`;
  });
}

/**
 * What identifies each event of a batch, for {@link batchKey}: the flush's destination (project,
 * logstore, config name, logstore key: a record's groups bound for other destinations are flushed
 * by other calls, with their own numbering), then per event its group's identity and its place in
 * that group (unique, even for identical logs of one record), its time and its message.
 */
export function* eventFields(
  destination: readonly string[],
  events: readonly CwlEvent[],
  groups: readonly string[],
): Generator<string> {
  yield* destination;
  for (const event of events) {
    yield groups[event.groupIndex]!;
    yield String(event.logIndex);
    yield String(event.timestamp);
    yield event.message;
  }
}

/**
 * The memory of stored requests of each client (one per region and account), kept for the life of
 * the process: a redelivered batch (same records, so the same requests) skips what an earlier
 * attempt in this environment already stored, instead of storing it again (PutLogEvents has no
 * idempotency key).
 */
const storedBatchesByClient = new WeakMap<CloudWatchLogsClient, DurableKeys>();

export function storedBatchesOf(client: CloudWatchLogsClient): DurableKeys {
  let memory = storedBatchesByClient.get(client);
  if (memory === undefined) {
    memory = new DurableKeys();
    storedBatchesByClient.set(client, memory);
  }
  return memory;
}
