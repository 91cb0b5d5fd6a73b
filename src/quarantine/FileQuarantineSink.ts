import { createHash } from 'node:crypto';
import { writeFileAtomically } from '../shared/writeFileAtomically.ts';
import type { QuarantineEntry, QuarantineSink } from './QuarantineSink.ts';
import { quarantineDocument } from './quarantineDocument.ts';

/**
 * Quarantine as one JSON file per record under a directory (with the file flusher:
 * `${FILE_DIR}/_quarantine/`), written atomically and fsynced before `put` resolves. The name
 * derives from source, record id and reason, so a redelivered poison record replaces its own file.
 *
 * @example
 * ```ts
 * const sink = new FileQuarantineSink('./out/_quarantine');
 * ```
 */
export class FileQuarantineSink implements QuarantineSink {
  constructor(readonly directory: string) {}

  description(): string {
    return `file: ${this.directory}`;
  }

  async put(entry: QuarantineEntry, signal?: AbortSignal): Promise<void> {
    const id = createHash('sha256')
      .update(`${entry.source}\n${entry.recordId}\n${entry.reason}`)
      .digest('hex')
      .slice(0, 32);
    await writeFileAtomically(
      this.directory,
      `${id}.json`,
      `${JSON.stringify(quarantineDocument(entry))}\n`,
      signal,
    );
  }
}
