import { DeadlineError, FlushError, FlusherStoppedError } from '../errors.ts';
import { settleWithin } from '../shared/settleWithin.ts';
import type { FlusherContext, StopOptions } from './Flusher.ts';

/**
 * The lifecycle state every flusher shares: init once, flush only between init and stop, track
 * in-flight work so `stop` can drain or abort it, and remember urgency. Flushers compose one of
 * these so the contract's rules live in a single place.
 */
export class FlusherLifecycle {
  #context: FlusherContext | undefined;
  #stopping: Promise<void> | undefined;
  #urgent: boolean | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Aborted by `stop` when in-flight work did not finish in time. */
  readonly #abort = new AbortController();

  constructor(readonly name: string) {}

  /** Record the context; a second `init` is a programming error. */
  init(context: FlusherContext): void {
    if (this.#context !== undefined) throw new FlushError(`${this.name}: init called twice`, false);
    if (this.#stopping !== undefined) throw new FlusherStoppedError(`${this.name}: init after stop`);
    this.#context = context;
  }

  get context(): FlusherContext {
    if (this.#context === undefined) throw new FlushError(`${this.name}: used before init`, false);
    return this.#context;
  }

  get stopped(): boolean {
    return this.#stopping !== undefined;
  }

  /** `undefined` until `setUrgent`; then the flag it was given (true: process exit). */
  get urgent(): boolean | undefined {
    return this.#urgent;
  }

  setUrgent(flag: boolean): void {
    // Once the process is exiting (true), a later deadline (false) must not soften it.
    this.#urgent = this.#urgent === true ? true : flag;
  }

  /**
   * Run one unit of work (a flush) under the lifecycle: refused after stop, aborted when either
   * the caller's signal or `stop` fires, and always settled promptly once aborted, even if `work`
   * ignores its signal.
   */
  async run<T>(callerSignal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#context === undefined) throw new FlushError(`${this.name}: flush before init`, false);
    if (this.#stopping !== undefined) throw new FlusherStoppedError(`${this.name}: flush after stop`);
    const signals = [this.#abort.signal, this.#context.signal];
    if (callerSignal !== undefined) signals.push(callerSignal);
    const signal = AbortSignal.any(signals);
    const abortError = () =>
      this.#abort.signal.aborted
        ? new FlusherStoppedError(`${this.name}: stopped during flush`)
        : new DeadlineError();
    if (signal.aborted) throw abortError();
    const task = raceAbort(work(signal), signal, abortError);
    this.#inFlight.add(task);
    try {
      return await task;
    } finally {
      this.#inFlight.delete(task);
    }
  }

  /** Idempotent: wait up to `timeoutMs` for in-flight work, then abort what is left and wait for it to settle. */
  stop(options: StopOptions | undefined, release?: () => Promise<void> | void): Promise<void> {
    this.#stopping ??= this.#drain(options?.timeoutMs ?? 0).then(() => release?.());
    return this.#stopping;
  }

  async #drain(timeoutMs: number): Promise<void> {
    const pending = Promise.allSettled([...this.#inFlight]);
    if (this.#inFlight.size > 0 && timeoutMs > 0) await settleWithin(pending, timeoutMs);
    this.#abort.abort(new FlusherStoppedError(`${this.name}: stopped`));
    await pending;
  }
}

/**
 * Settle with `work`'s outcome, or reject with `onAbort()` as soon as `signal` aborts, whichever
 * comes first. Used so a destination call that ignores its signal cannot hold the handler past
 * its deadline.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
