import { DeadlineError } from '../errors.ts';
import type { Flusher, FlusherLogger } from '../flusher/Flusher.ts';
import { raceAbort } from '../flusher/FlusherLifecycle.ts';
import { describeError } from '../shared/describeError.ts';
import type { FlusherSlot } from './FlusherSlot.ts';

/**
 * The flusher inits of one invocation, all started at once when it begins (so they overlap
 * decoding, and a flusher with no data in this batch still starts at the environment's first
 * invocation). A flusher whose init failed is not tried again within the invocation; when every
 * flusher failed, the invocation fails (so it shows in the function's Errors metric) instead of
 * answering with every record failed.
 */
export class InitAttempts {
  readonly #attempts = new Map<FlusherSlot, Promise<Flusher>>();
  readonly #failures: unknown[] = [];

  constructor(slots: readonly FlusherSlot[], signal: AbortSignal, logger: FlusherLogger) {
    for (const slot of slots) {
      const attempt = raceAbort(
        slot.holder.acquire(),
        signal,
        () => new DeadlineError('deadline reached during flusher init'),
      );
      attempt.catch((error: unknown) => {
        if (signal.aborted) return;
        this.#failures.push(error);
        logger.error('flusher init failed; its records will be retried', {
          flusher: slot.name,
          error: describeError(error),
        });
      });
      this.#attempts.set(slot, attempt);
    }
  }

  acquire(slot: FlusherSlot): Promise<Flusher> {
    return this.#attempts.get(slot)!;
  }

  /** Rethrow the first init failure when every flusher failed to init. */
  throwIfNoneStarted(): void {
    if (this.#failures.length > 0 && this.#failures.length === this.#attempts.size) throw this.#failures[0];
  }
}
