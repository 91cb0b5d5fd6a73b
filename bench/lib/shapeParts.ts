import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { compressBody } from '../../src/flushers/s3/compressBody.ts';
import { encodePartition } from '../../src/flushers/s3/encodePartition.ts';
import { partitionByHour } from '../../src/flushers/s3/partitionByHour.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decodePayload, InputFormat } from '../../src/input/decodePayload.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { kinesisRecords } from '../../src/sources/kinesisSource.ts';
import { sqsRecords } from '../../src/sources/sqsSource.ts';
import type { AsyncVariant } from './timing.ts';
import { countLogs } from './webAccessLogs.ts';

/** What the parts of one shape work on. */
export interface ShapePartsInput {
  readonly event: KinesisStreamEvent | SQSEvent;
  readonly sqs: boolean;
  /** The objects this project stored for the batch (gzip JSON Lines), to upload again. */
  readonly objects: readonly Buffer[];
  readonly client: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly project: string;
  readonly logstore: string;
}

const DECODE_OPTIONS = { format: InputFormat.auto, maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES };

/**
 * The three steps every invocation of the S3 path takes one after the other, each timed alone
 * with the runtime's and the flusher's own code: `decode` (the event's source records, KPL
 * de-aggregation, `decodePayload` of every payload), `build` (the batch's objects: JSON Lines +
 * gzip, `compressBody(encodePartition(…))`, from groups decoded before the clock starts) and
 * `upload` (a `PutObject` of each object this project stored). An object can be built only once
 * its records are decoded and uploaded only once it is built (its key names its content), so their
 * sum bounds an invocation of this design from below; the rest of `ours` is routing, the ack
 * ledger, middy and Powertools, and garbage collection.
 *
 * @example
 * ```ts
 * const variants = [ours, floor, ...shapeParts({ event, sqs: false, objects, client, bucket: 'b', keyPrefix: 'parts/', project: 'p', logstore: 'l' })];
 * ```
 */
export function shapeParts(input: ShapePartsInput): AsyncVariant[] {
  const decode = (): LogGroup[] => {
    const records = input.sqs
      ? sqsRecords(input.event as SQSEvent)
      : kinesisRecords(input.event as KinesisStreamEvent);
    return records.flatMap((record) =>
      record.payloads().flatMap((payload) => decodePayload(payload, DECODE_OPTIONS).groups),
    );
  };
  const partitions = partitionByHour(decode());
  let uploads = 0;
  return [
    { name: 'decode', run: async () => countLogs(decode()) },
    {
      name: 'build',
      run: async () => {
        let logs = 0;
        for (const partition of partitions) {
          await compressBody(encodePartition(partition, 'jsonl', input.project, input.logstore), 'gzip');
          logs += partition.logCount;
        }
        return logs;
      },
    },
    {
      name: 'upload',
      run: async () => {
        uploads++;
        for (const [i, object] of input.objects.entries()) {
          const command = new PutObjectCommand({
            Bucket: input.bucket,
            Key: `${input.keyPrefix}${uploads}-${i}`,
            Body: object,
          });
          await input.client.send(command);
        }
        return partitions.reduce((logs, partition) => logs + partition.logCount, 0);
      },
    },
  ];
}
