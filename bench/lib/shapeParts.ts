import { gunzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { compressBody } from '../../src/flushers/s3/compressBody.ts';
import { encodePartition } from '../../src/flushers/s3/encodePartition.ts';
import { partitionByHour } from '../../src/flushers/s3/partitionByHour.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decodePayload, InputFormat } from '../../src/input/decodePayload.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { kinesisRecords } from '../../src/sources/kinesisSource.ts';
import { sqsRecords } from '../../src/sources/sqsSource.ts';
import { putObjects } from './s3Objects.ts';
import type { AsyncVariant } from './timing.ts';
import { countLogs } from './webAccessLogs.ts';

/** What the parts of one shape work on. */
export interface ShapePartsInput {
  readonly event: KinesisStreamEvent | SQSEvent;
  readonly sqs: boolean;
  /** The objects this project stored for the batch (gzip JSON Lines), to upload again. */
  readonly objects: readonly Buffer[];
  /** Their JSON Lines, which `build` must produce (checked once, before any timing). */
  readonly jsonl: Buffer;
  readonly client: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly project: string;
  readonly logstore: string;
}

const DECODE_OPTIONS = { format: InputFormat.auto, maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES };

/**
 * The LogGroups of an event as the runtime decodes them: its source records, KPL de-aggregation,
 * `decodePayload` of every payload (format detection on), in order.
 *
 * @example
 * ```ts
 * const groups = decodeEvent(kinesisEvent, false);
 * ```
 */
export function decodeEvent(event: KinesisStreamEvent | SQSEvent, sqs: boolean): LogGroup[] {
  const records = sqs ? sqsRecords(event as SQSEvent) : kinesisRecords(event as KinesisStreamEvent);
  return records.flatMap((record) =>
    record.payloads().flatMap((payload) => decodePayload(payload, DECODE_OPTIONS).groups),
  );
}

/**
 * The three steps every invocation of the S3 path takes one after the other, each timed alone
 * with the runtime's and the flusher's own code: `decode` (the event's source records, KPL
 * de-aggregation, `decodePayload` of every payload), `build` (the batch's objects: JSON Lines +
 * gzip, `compressBody(encodePartition(…))`, from groups decoded before the clock starts) and
 * `upload` (a `PutObject` of each object this project stored). An object can be built only once
 * its records are decoded and uploaded only once it is built (its key names its content), so their
 * sum bounds an invocation of this design from below; the rest of `ours` is routing, the ack
 * ledger, middy and Powertools, and garbage collection. Before returning, one `build` is checked
 * to produce exactly `jsonl`.
 *
 * @example
 * ```ts
 * const parts = await shapeParts({ event, sqs: false, objects, jsonl, client, bucket: 'b', keyPrefix: 'parts/', project: 'p', logstore: 'l' });
 * ```
 */
export async function shapeParts(input: ShapePartsInput): Promise<AsyncVariant[]> {
  const decode = () => decodeEvent(input.event, input.sqs);
  const partitions = partitionByHour(decode());
  const logs = partitions.reduce((sum, partition) => sum + partition.logCount, 0);
  const build = () =>
    Promise.all(
      partitions.map((partition) =>
        compressBody(encodePartition(partition, 'jsonl', input.project, input.logstore), 'gzip'),
      ),
    );
  const built = Buffer.concat((await build()).map(({ body }) => gunzipSync(body)));
  if (!built.equals(input.jsonl))
    throw new Error('shapeParts: build made other JSON Lines than the handler stored');
  let uploads = 0;
  return [
    { name: 'decode', run: async () => countLogs(decode()) },
    {
      name: 'build',
      run: async () => {
        await build();
        return logs;
      },
    },
    {
      name: 'upload',
      run: async () => {
        await putObjects(input.client, input.bucket, `${input.keyPrefix}${++uploads}-`, input.objects);
        return logs;
      },
    },
  ];
}
