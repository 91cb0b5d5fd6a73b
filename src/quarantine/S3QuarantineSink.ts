import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ObjectSettings } from '../flushers/s3/objectSettings.ts';
import { S3_MAX_PART_SIZE_BYTES, S3_MIN_PART_SIZE_BYTES } from '../flushers/s3/s3Limits.ts';
import { writeObjectIfAbsent } from '../flushers/s3/writeObjectIfAbsent.ts';
import { safePathSegment } from '../shared/safePathSegment.ts';
import type { QuarantineEntry, QuarantineSink } from './QuarantineSink.ts';
import { quarantineDocument } from './quarantineDocument.ts';
import { quarantineEntryId } from './quarantineEntryId.ts';

/** Options of {@link S3QuarantineSink}. */
export interface S3QuarantineSinkOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** The flusher's `S3_KEY_PREFIX`: entries land under `${keyPrefix}_quarantine/`. */
  readonly keyPrefix?: string | undefined;
  /**
   * Server-side encryption of the entries (`encryptionSettings` of the flusher's configuration):
   * they hold raw payloads, as sensitive as the logs. The bucket's default when absent.
   */
  readonly encryption?: S3ObjectSettings | undefined;
  /** Clock for the entry's `time` field (tests pass a fixed one). */
  readonly now?: (() => Date) | undefined;
}

/** The folder under the key prefix that holds quarantined records. */
export const QUARANTINE_FOLDER = '_quarantine/';

/**
 * Quarantine to S3: one JSON object per entry,
 * `${keyPrefix}_quarantine/<source>/<reason>/<id>.json` holding `reason`, `detail`, `source`,
 * `recordId`, `quarantinedAt` (ISO 8601) and `payloadBase64` (see `quarantineDocument`). `<id>` derives from
 * source, record id, reason and a digest of the payload, and the write is conditional
 * (`If-None-Match: *`), so quarantining a redelivered record again is a no-op, while two different
 * parts of one record refused for the same reason still get separate objects. `put` resolves only
 * once S3 has confirmed the object.
 *
 * @example
 * ```ts
 * const quarantine = new S3QuarantineSink({ client, bucket: 'my-logs', keyPrefix: 'logs/' });
 * await quarantine.put({ reason: 'malformed', detail, source: 'sqs', recordId, payload }, signal);
 * ```
 */
export class S3QuarantineSink implements QuarantineSink {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #now: () => Date;
  readonly #encryption: S3ObjectSettings | undefined;

  constructor(options: S3QuarantineSinkOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = `${options.keyPrefix ?? ''}${QUARANTINE_FOLDER}`;
    this.#now = options.now ?? (() => new Date());
    this.#encryption = options.encryption;
  }

  description(): string {
    return `s3: s3://${this.#bucket}/${this.#prefix}<source>/<reason>/<id>.json`;
  }

  /** The key an entry is stored under. */
  keyOf(entry: QuarantineEntry): string {
    return `${this.#prefix}${safePathSegment(entry.source)}/${safePathSegment(entry.reason)}/${quarantineEntryId(entry)}.json`;
  }

  async put(entry: QuarantineEntry, signal?: AbortSignal): Promise<void> {
    const document = quarantineDocument(entry, this.#now());
    await writeObjectIfAbsent(
      this.#client,
      {
        bucket: this.#bucket,
        key: this.keyOf(entry),
        body: Buffer.from(`${JSON.stringify(document)}\n`, 'utf8'),
        contentType: 'application/json',
        metadata: { reason: entry.reason, source: safePathSegment(entry.source) },
        settings: this.#encryption,
      },
      {
        // One PutObject always: a quarantined record is at most a few MB.
        multipartThresholdBytes: S3_MAX_PART_SIZE_BYTES,
        partSizeBytes: S3_MIN_PART_SIZE_BYTES,
        uploadConcurrency: 1,
        signal: signal ?? new AbortController().signal,
      },
    );
  }
}
