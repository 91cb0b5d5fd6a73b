/**
 * Every error this library throws on purpose. Callers branch on the class (or on `reason` /
 * `retryable`), never on message text.
 */

/** Base class: every error thrown on purpose by loggroup-flusher extends it. */
export class LogGroupFlusherError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Why a record cannot be processed, ever: it goes to quarantine instead of being retried. */
export const PoisonReason = {
  malformed: 'malformed',
  unsupportedFormat: 'unsupported-format',
  tooLarge: 'too-large',
  checksum: 'checksum',
  rejectedByDestination: 'rejected-by-destination',
  /** No pipeline flusher's match takes one of the record's LogGroups (README "Pipelines"). */
  unrouted: 'unrouted',
} as const;
export type PoisonReason = (typeof PoisonReason)[keyof typeof PoisonReason];

/** A record whose bytes can never be turned into LogGroups. Retrying cannot help. */
export class PoisonRecordError extends LogGroupFlusherError {
  readonly reason: PoisonReason;
  constructor(reason: PoisonReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * Malformed input: truncated, wrong wire type, missing required field, invalid JSON shape.
 * `field` names where decoding stopped (`LogGroup.Logs`, `groups[0].logs[2].time`) and
 * `offset` is the byte offset into the decoded buffer (undefined for JSON paths).
 */
export class DecodeError extends PoisonRecordError {
  readonly field: string;
  readonly offset: number | undefined;
  constructor(field: string, offset: number | undefined, detail: string, options?: { cause?: unknown }) {
    super(
      PoisonReason.malformed,
      offset === undefined ? `${field}: ${detail}` : `${field} at byte ${offset}: ${detail}`,
      options,
    );
    this.field = field;
    this.offset = offset;
  }
}

/** The payload matches no known input format (or not the forced one). */
export class UnsupportedFormatError extends PoisonRecordError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(PoisonReason.unsupportedFormat, message, options);
  }
}

/** A record, or what it inflates to, is over a configured size limit. */
export class SizeLimitError extends PoisonRecordError {
  readonly limit: number;
  constructor(message: string, limit: number, options?: { cause?: unknown }) {
    super(PoisonReason.tooLarge, message, options);
    this.limit = limit;
  }
}

/** An integrity check failed (for example a KPL aggregate's MD5 trailer). */
export class ChecksumError extends PoisonRecordError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(PoisonReason.checksum, message, options);
  }
}

/**
 * The Lambda event itself is not what the event source mapping sends (no records array, a record
 * without its id). Thrown so the whole batch is retried: a response naming an unknown id would be
 * treated by Lambda as a whole-batch failure anyway.
 */
export class InvalidEventError extends LogGroupFlusherError {}

/** A value that cannot be encoded (for example a time outside the uint32 range). */
export class EncodeError extends LogGroupFlusherError {
  readonly field: string;
  constructor(field: string, detail: string, options?: { cause?: unknown }) {
    super(`${field}: ${detail}`, options);
    this.field = field;
  }
}

/** Invalid configuration. `variable` names the environment variable or option at fault. */
export class ConfigError extends LogGroupFlusherError {
  readonly variable: string;
  /** What is wrong with it, without the variable's name (the message is `variable: detail`). */
  readonly detail: string;
  constructor(variable: string, detail: string, options?: { cause?: unknown }) {
    super(`${variable}: ${detail}`, options);
    this.variable = variable;
    this.detail = detail;
  }
}

/**
 * `flush` did not make the data durable. `retryable` says whether delivering the same records
 * again later can succeed (throttling, 5xx, timeouts, a stopped flusher) or not (access denied,
 * no such bucket): the runtime retries both through the queue, but only retryable errors are
 * expected to heal by themselves, and permanent ones are logged as such.
 */
export class FlushError extends LogGroupFlusherError {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.retryable = retryable;
  }
}

/** `flush` was called after `stop()`, or `stop()` aborted it. A fresh flusher can retry. */
export class FlusherStoppedError extends FlushError {
  constructor(message = 'flusher is stopped', options?: { cause?: unknown }) {
    super(message, true, options);
  }
}

/** The flush was abandoned because the invocation's deadline (or an AbortSignal) fired. */
export class DeadlineError extends FlushError {
  constructor(message = 'deadline reached before the data was durable', options?: { cause?: unknown }) {
    super(message, true, options);
  }
}
