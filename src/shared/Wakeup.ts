/**
 * One waiter and whoever wakes it: for a loop that waits until something may have changed (a job
 * finished, an abort), then checks again. A wake with no one waiting is not kept.
 *
 * @example
 * ```ts
 * const wakeup = new Wakeup();
 * signal.addEventListener('abort', wakeup.wake);
 * while (busy()) await wakeup.wait();
 * ```
 */
export class Wakeup {
  #waiter: (() => void) | undefined;

  /** Resolves at the next {@link wake}. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** Wake the waiter, if any (a bound function: usable as a listener as it is). */
  readonly wake = (): void => {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  };
}
