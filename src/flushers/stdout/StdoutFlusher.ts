import type { Writable } from 'node:stream';
import type { Flusher, FlusherContext, FlushOptions, StopOptions } from '../../flusher/Flusher.ts';
import { FlusherLifecycle } from '../../flusher/FlusherLifecycle.ts';
import type { LogGroup } from '../../protocol/LogGroup.ts';
import { formatJsonLines } from '../../protocol/logLine.ts';
import { writeFully } from '../shared/writeFully.ts';

/** Options of {@link StdoutFlusher}. */
export interface StdoutFlusherOptions {
  /** Where the lines go. Default: `process.stdout`. */
  readonly stream?: Writable;
}

/**
 * Writes one JSON line per log (the shared log line shape), like iLogtail's `flusher_stdout`.
 * Always ready; `flush` resolves once the stream has accepted the bytes (drain respected).
 *
 * @example
 * ```ts
 * const flusher = new StdoutFlusher();
 * ```
 */
export class StdoutFlusher implements Flusher {
  readonly #lifecycle = new FlusherLifecycle('stdout');
  readonly #stream: Writable;

  constructor(options: StdoutFlusherOptions = {}) {
    this.#stream = options.stream ?? process.stdout;
  }

  async init(context: FlusherContext): Promise<void> {
    this.#lifecycle.init(context);
  }

  description(): string {
    return 'stdout: one JSON line per log';
  }

  isReady(): boolean {
    return !this.#lifecycle.stopped;
  }

  flush(
    project: string,
    logstore: string,
    _configName: string,
    logGroups: readonly LogGroup[],
    options?: FlushOptions,
  ): Promise<void> {
    return this.#lifecycle.run(options?.signal, async (signal) => {
      const text = formatJsonLines(logGroups, project, logstore);
      await writeFully(this.#stream, text, signal);
    });
  }

  setUrgent(flag: boolean): void {
    this.#lifecycle.setUrgent(flag);
  }

  stop(options?: StopOptions): Promise<void> {
    return this.#lifecycle.stop(options);
  }
}
