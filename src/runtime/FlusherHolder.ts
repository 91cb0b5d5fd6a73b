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
    this.#current ??= this.#create();
    return this.#current;
  }

  async #create(): Promise<Flusher> {
    const flusher = typeof this.source === 'function' ? this.source() : this.source;
    const context = this.context();
    try {
      await flusher.init(context);
    } catch (error) {
      this.#current = undefined; // the next invocation tries again, and reports the error again
      throw error;
    }
    context.logger.info('flusher initialised', { flusher: flusher.description() });
    trackFlusher(flusher);
    return flusher;
  }

  /** The deadline was reached: make the flusher urgent and stop it within `timeoutMs`. */
  async retire(timeoutMs: number): Promise<void> {
    const current = this.#current;
    if (current === undefined) return;
    const flusher = await current.catch(() => undefined);
    if (flusher === undefined) return;
    flusher.setUrgent(false);
    if (typeof this.source !== 'function') return;
    this.#current = undefined;
    untrackFlusher(flusher);
    await flusher.stop({ timeoutMs });
  }
}
