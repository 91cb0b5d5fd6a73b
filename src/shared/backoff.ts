import { DeadlineError, FlushError } from '../errors.ts';

/** How often and how long to retry. */
export interface BackoffPolicy {
  /** Upper bound of the first retry's delay, in ms; each further retry doubles it. */
  readonly baseMs: number;
  /** Upper bound of any single delay, in ms. */
  readonly maxMs: number;
  /** Attempts in total, the first one included (1 = never retry). */
  readonly maxAttempts: number;
}

/**
 * The delay before retry number `retry` (0 for the first retry): "full jitter", uniform in
 * `[0, min(maxMs, baseMs · 2^retry))`. Full jitter spreads concurrent clients that failed
 * together (throttling) better than equal or decorrelated jitter, for the same total work.
 *
 * @example
 * ```ts
 * backoffDelay(0, { baseMs: 100, maxMs: 5_000, maxAttempts: 5 }); // somewhere in [0, 100)
 * ```
 */
export function backoffDelay(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Resolve after `ms`, or reject as soon as `signal` aborts (the timer is cleared, nothing is left
 * behind). Rejects with the signal's reason when that is a FlushError (a stopped flusher), else
 * with a DeadlineError.
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error to reject with when `signal` aborted: its reason if that is a FlushError, else a DeadlineError. */
export function abortError(signal: AbortSignal): FlushError {
  const reason: unknown = signal.reason;
  if (reason instanceof FlushError) return reason;
  return new DeadlineError('abandoned: the signal aborted', { cause: reason });
}

/** Options of {@link retryWithBackoff}. */
export interface RetryOptions {
  readonly policy: BackoffPolicy;
  /** Aborts the wait between attempts (and is passed on to each attempt). */
  readonly signal: AbortSignal;
  /** Whether retrying may heal this error. Anything else is rethrown at once. */
  readonly isRetryable: (error: unknown) => boolean;
  /**
   * Whether waiting is still allowed (false once the owner is urgent: a deadline is near or the
   * process is exiting). When false, a retryable error is rethrown instead of waited on.
   */
  readonly mayWait?: () => boolean;
  /** Called before each wait, for logs and metrics. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Source of randomness for the jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

/**
 * Run `attempt` until it resolves, a non-retryable error occurs, the attempts run out, waiting is
 * no longer allowed, or the signal aborts; between attempts wait a jittered exponential delay.
 * The last error is rethrown unchanged, so the caller decides how to report it.
 *
 * @example
 * ```ts
 * const result = await retryWithBackoff((attempt) => client.send(command, { abortSignal: signal }), {
 *   policy: { baseMs: 100, maxMs: 5_000, maxAttempts: 5 },
 *   signal,
 *   isRetryable: (error) => (error as { name?: string }).name === 'ThrottlingException',
 * });
 * ```
 */
export async function retryWithBackoff<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, signal, isRetryable, mayWait, onRetry, random } = options;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const giveUp =
        signal.aborted ||
        attemptNumber >= policy.maxAttempts ||
        !isRetryable(error) ||
        (mayWait !== undefined && !mayWait());
      if (giveUp) throw error;
      const delayMs = backoffDelay(attemptNumber - 1, policy, random);
      onRetry?.(error, attemptNumber, delayMs);
      await abortableSleep(delayMs, signal);
    }
  }
}
