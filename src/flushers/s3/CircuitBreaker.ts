/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker; 0 disables it (always closed). */
  readonly failureThreshold: number;
  /** How long the breaker stays open before letting a trial through. */
  readonly cooldownMs: number;
  /** Clock in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

/** Where a breaker is: `closed` (normal), `open` (refusing), `half-open` (cooldown over, next outcome decides). */
export const CircuitState = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];

/**
 * A consecutive-failure circuit breaker. After `failureThreshold` failed flushes in a row it opens:
 * the flusher reports not ready, so the runtime hands records back to the queue at once instead of
 * spending the invocation on a destination that is down. After `cooldownMs` it is half-open: work
 * is let through, and the first outcome closes it again (success) or reopens it (failure).
 *
 * Share one breaker between the flusher instances of an execution environment (pass it to
 * `createS3Flusher`) so its memory survives a flusher being replaced after a deadline.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000 });
 * if (breaker.allows()) { try { await work(); breaker.recordSuccess(); } catch (e) { breaker.recordFailure(); throw e; } }
 * ```
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;

  constructor(options: CircuitBreakerOptions) {
    this.#threshold = options.failureThreshold;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return CircuitState.closed;
    return this.#now() - this.#openedAt >= this.#cooldownMs ? CircuitState.halfOpen : CircuitState.open;
  }

  /** Whether work may go to the destination now (closed or half-open). */
  allows(): boolean {
    return this.state !== CircuitState.open;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
  }

  /** Count a failure; returns true when this failure (re)opened the breaker. */
  recordFailure(): boolean {
    if (this.#threshold === 0) return false;
    this.#failures++;
    const reopen = this.state === CircuitState.halfOpen;
    if (reopen || (this.#openedAt === undefined && this.#failures >= this.#threshold)) {
      this.#openedAt = this.#now();
      return true;
    }
    return false;
  }
}
