import type { Flusher, FlusherContext } from '../flusher/Flusher.ts';
import { trackFlusher, untrackFlusher } from './shutdownHook.ts';

/** A flusher instance, or a factory that makes a fresh one (needed to replace one stopped at a deadline). */
export type FlusherSource = Flusher | (() => Flusher);

/**
 * Holds the execution environment's flusher: created and `init`ed once, reused across warm
 * invocations, retired (urgent + stopped) when an invocation reaches its deadline so a fresh one
 * serves the next. A plain instance cannot be replaced: it is only made urgent, not stopped.
 */
export class FlusherHolder {
  #current: Promise<Flusher> | undefined;

  constructor(
    readonly source: FlusherSource,
    readonly context: () => FlusherContext,
  ) {}

  acquire(): Promise<Flusher> {
    if (this.#current === undefined) {
      const creating = this.#create();
      this.#current = creating;
      // A failed init is tried again by the next invocation, which reports the error again.
      creating.catch(() => {
        if (this.#current === creating) this.#current = undefined;
      });
    }
    return this.#current;
  }

  /** Async, so a factory or an `init` that throws at once rejects the promise instead of escaping. */
  async #create(): Promise<Flusher> {
    const flusher = typeof this.source === 'function' ? this.source() : this.source;
    const context = this.context();
    await flusher.init(context);
    context.logger.info('flusher initialised', { flusher: flusher.description() });
    trackFlusher(flusher);
    return flusher;
  }

  /**
   * The deadline was reached: make the flusher urgent and stop it within `timeoutMs`. A flusher
   * from a factory is let go at once, so the next invocation gets a fresh one even while this one
   * is still starting or stopping (an `init` that hangs never holds up later invocations, and a
   * late stop never hits their flusher).
   */
  async retire(timeoutMs: number): Promise<void> {
    const current = this.#current;
    if (current === undefined) return;
    const replaceable = typeof this.source === 'function';
    if (replaceable) this.#current = undefined;
    const flusher = await current.catch(() => undefined);
    if (flusher === undefined) return;
    flusher.setUrgent(false);
    if (!replaceable) return;
    untrackFlusher(flusher);
    await flusher.stop({ timeoutMs });
  }
}
