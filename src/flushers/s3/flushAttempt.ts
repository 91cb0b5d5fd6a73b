import { DeadlineError, EncodeError, FlushError, FlusherStoppedError } from '../../errors.ts';

/** What one flush attempt got from S3, for the circuit breaker. */
export interface FlushAttempt {
  /** Requests sent (objects the key memory did not already know). */
  sent: number;
  /** Objects S3 confirmed during this attempt (created, or found there). */
  confirmed: number;
}

/**
 * Whether a failed flush counts towards opening the breaker: only failures of the destination
 * (timeouts included) do. Stop, bad input and refusals by the open breaker do not, nor a deadline
 * reached while S3 kept confirming objects (a batch too large for one invocation, on a healthy
 * bucket: it must go on making progress, not be refused as if S3 were down).
 *
 * @example
 * ```ts
 * if (countsAgainstDestination(error, attempt)) breaker.recordFailure();
 * ```
 */
export function countsAgainstDestination(error: unknown, attempt: FlushAttempt): boolean {
  if (attempt.sent === 0 || error instanceof FlusherStoppedError) return false;
  if (error instanceof DeadlineError) return attempt.confirmed === 0;
  return !(error instanceof FlushError && error.cause instanceof EncodeError);
}
