import { writeFileAtomically } from '../shared/writeFileAtomically.ts';
import type { QuarantineEntry, QuarantineSink } from './QuarantineSink.ts';
import { quarantineDocument } from './quarantineDocument.ts';
import { quarantineEntryId } from './quarantineEntryId.ts';

/**
 * Quarantine as one JSON file per record under a directory (with the file flusher:
 * `${FILE_DIR}/_quarantine/`), written atomically and fsynced before `put` resolves. The name is
 * {@link quarantineEntryId}: a redelivered poison record replaces its own file, and two parts of
 * one record refused for the same reason get a file each.
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
    await writeFileAtomically(
      this.directory,
      `${quarantineEntryId(entry)}.json`,
      `${JSON.stringify(quarantineDocument(entry))}\n`,
      signal,
    );
  }
}
