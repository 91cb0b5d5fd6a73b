import { createHash } from 'node:crypto';
import { stableId } from '../../shared/stableId.ts';

/** Bumped if the derivation ever changes, so old and new keys cannot collide. */
const BATCH_KEY_VERSION = 'loggroup-flusher/cloudwatch-batch/v1';

/**
 * A key for the content of one PutLogEvents request: its log group, its stream, and the fields
 * that identify its events, in order (each one prefixed with its length, so no two lists share a
 * key by accident). The fields should name each event's source record, so that identical logs of
 * different records never share a key. Fields are hashed one by one, never joined: a batch holds
 * up to 1 MiB of messages.
 *
 * @example
 * ```ts
 * batchKey('/app', 'web-1', events.flatMap((e) => [recordId, String(e.timestamp), e.message]));
 * ```
 */
export function batchKey(logGroupName: string, logStreamName: string, fields: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const field of fields) hash.update(`${field.length}:`).update(field);
  return stableId([BATCH_KEY_VERSION, logGroupName, logStreamName, hash.digest('hex')]);
}
