import type { Writable } from 'node:stream';
import type { QuarantineEntry, QuarantineSink } from './QuarantineSink.ts';
import { quarantineDocument } from './quarantineDocument.ts';

/**
 * Quarantine as one JSON line per record on stderr: for local runs with the stdout flusher only.
 * Not durable in Lambda (CloudWatch captures stderr asynchronously); deployments use S3,
 * CloudWatch Logs or file quarantine.
 */
export class ConsoleQuarantineSink implements QuarantineSink {
  constructor(readonly stream: Writable = process.stderr) {}

  description(): string {
    return 'stderr (local runs only)';
  }

  put(entry: QuarantineEntry): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stream.write(`${JSON.stringify({ quarantine: quarantineDocument(entry) })}\n`, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
}
