/**
 * CloudWatch Logs service limits this destination obeys, from the PutLogEvents, CreateLogGroup,
 * CreateLogStream and PutRetentionPolicy API references (checked 2025: the event size limit was
 * raised from 256 KB to 1 MB).
 */

/** Bytes each event adds to a PutLogEvents request's size, on top of its message's UTF-8 bytes. */
export const EVENT_OVERHEAD_BYTES = 26;

/** Largest PutLogEvents request: the sum over events of UTF-8 message bytes + 26 (1 MiB). */
export const MAX_BATCH_BYTES = 1_048_576;

/** Most events in one PutLogEvents request. */
export const MAX_BATCH_EVENTS = 10_000;

/**
 * A request's events may not span more than 24 hours (last timestamp − first). The batcher keeps
 * every batch strictly below this, so a span of exactly 24 h never reaches the service.
 */
export const MAX_BATCH_SPAN_MS = 24 * 60 * 60 * 1000;

/**
 * Largest message of one event, in UTF-8 bytes. The documented event limit is 1 MB, and an event
 * must also fit a request on its own (message + 26 ≤ 1,048,576), which is the tighter bound.
 */
export const MAX_EVENT_MESSAGE_BYTES = MAX_BATCH_BYTES - EVENT_OVERHEAD_BYTES;

/** Events older than this (relative to now) are rejected by the service as too old: 14 days. */
export const MAX_EVENT_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/** Events further in the future than this are rejected by the service as too new: 2 hours. */
export const MAX_EVENT_FUTURE_MS = 2 * 60 * 60 * 1000;

/** Log group and log stream names: 1 to 512 characters. */
export const MAX_LOG_NAME_LENGTH = 512;

/** Log group names may only hold these characters (CreateLogGroup pattern `[\.\-_/#A-Za-z0-9]+`). */
export const LOG_GROUP_NAME_CHARS = /^[.\-_/#A-Za-z0-9]+$/;

/** Log group names may not start with this prefix (reserved for AWS). */
export const RESERVED_LOG_GROUP_PREFIX = 'aws/';

/** Characters log stream names may not contain (CreateLogStream pattern `[^:*]*`). */
export const LOG_STREAM_FORBIDDEN_CHARS = /[:*]/;

/** The only values PutRetentionPolicy accepts for `retentionInDays`. */
export const RETENTION_DAYS_ALLOWED: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** One day in ms, to turn retention days into an age limit. */
export const DAY_MS = 24 * 60 * 60 * 1000;
