import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FlushError } from '../../errors.ts';
import type { Flusher, FlusherContext, FlushOptions, StopOptions } from '../../flusher/Flusher.ts';
import { FlusherLifecycle } from '../../flusher/FlusherLifecycle.ts';
import type { LogGroup } from '../../protocol/LogGroup.ts';
import { formatJsonLines } from '../../protocol/logLine.ts';
import { safePathSegment } from '../../shared/safePathSegment.ts';
import { writeFileAtomically } from '../../shared/writeFileAtomically.ts';

/** Options of {@link FileFlusher}. */
export interface FileFlusherOptions {
  /** Root directory; files land in `${directory}/${project}/${logstore}/`. */
  readonly directory: string;
}

/**
 * Writes JSON Lines files (the shared log line shape), one file per project/logstore per flush,
 * atomically: a temp file is written and fsynced, renamed into place, and the directory fsynced
 * before `flush` resolves. The name derives from the source record ids when the runtime passes
 * them, so a redelivered batch replaces its own file instead of adding a second copy.
 *
 * @example
 * ```ts
 * const flusher = new FileFlusher({ directory: './out' });
 * ```
 */
export class FileFlusher implements Flusher {
  readonly #lifecycle = new FlusherLifecycle('file');
  readonly #directory: string;
  #sequence = 0;

  constructor(options: FileFlusherOptions) {
    if (!options.directory) throw new ConfigError('FILE_DIR', 'a directory is required for the file flusher');
    this.#directory = options.directory;
  }

  async init(context: FlusherContext): Promise<void> {
    this.#lifecycle.init(context);
    await mkdir(this.#directory, { recursive: true });
  }

  description(): string {
    return `file: JSON Lines under ${this.#directory}`;
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
      if (text === '') return;
      const directory = join(this.#directory, safePathSegment(project), safePathSegment(logstore));
      const name = `${this.#fileId(options?.recordIds, text)}.jsonl`;
      try {
        await writeFileAtomically(directory, name, text, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw new FlushError(
          `file: could not write ${join(directory, name)}: ${(error as Error).message}`,
          true,
          {
            cause: error,
          },
        );
      }
    });
  }

  setUrgent(flag: boolean): void {
    this.#lifecycle.setUrgent(flag);
  }

  stop(options?: StopOptions): Promise<void> {
    return this.#lifecycle.stop(options);
  }

  #fileId(recordIds: readonly string[] | undefined, text: string): string {
    const hash = createHash('sha256');
    if (recordIds !== undefined && recordIds.length > 0) hash.update(recordIds.join('\n'));
    else hash.update(`${process.pid}:${Date.now()}:${this.#sequence++}`);
    return hash.update('\0').update(text).digest('hex').slice(0, 32);
  }
}
