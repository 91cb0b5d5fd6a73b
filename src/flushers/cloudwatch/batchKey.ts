import { createHash } from 'node:crypto';
import { stableId } from '../../shared/stableId.ts';

/** Bumped if the derivation ever changes, so old and new keys cannot collide. */
const BATCH_KEY_VERSION = 'loggroup-flusher/cloudwatch-batch/v1';

/**
 * A key for the content of one PutLogEvents request: its log group, its stream, and the identity
 * of every event in order (each one length-prefixed, so no two lists share a key by accident).
 * An event's identity should name its source record, so that identical logs of different records
 * never share a key.
 *
 * @example
 * ```ts
 * batchKey('/app', 'web-1', events.map((e) => `${recordId}\n${e.timestamp}\n${e.message}`));
 * ```
 */
export function batchKey(logGroupName: string, logStreamName: string, identities: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const identity of identities) hash.update(`${Buffer.byteLength(identity)}:`).update(identity);
  return stableId([BATCH_KEY_VERSION, logGroupName, logStreamName, hash.digest('hex')]);
}
