import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { type PbjsLogGroupList, PbjsLogGroupListType } from './slsLogsProtobufjs.ts';

/** Where the naive function writes. */
export interface NaiveTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly project: string;
  readonly logstore: string;
}

const gzipAsync = promisify(gzip);

/**
 * The Lambda a user would write by hand today (issue 7, item 2), as the Powertools batch docs
 * show it: `BatchProcessor(EventType.KinesisDataStreams)` + `processPartialResponse` with an async
 * record handler. Per record: base64 → `protobufjs` decode (schema parsed from the `.proto`, the
 * generated decoder) → one `JSON.stringify` per log → gzip (zlib's async `gzip`, level 6, on the
 * thread pool: the faster choice, not `gzipSync`) → one `PutObject` per record, keyed by sequence
 * number. Records run in parallel (Powertools' default `processInParallel: true`).
 *
 * The lines have the same fields, order and values as this project's JSON line, so both write
 * the same bytes before compression (the benchmark checks it). Nothing of the project is used.
 *
 * @example
 * ```ts
 * const handler = naiveKinesisToS3Handler({ client, bucket: 'logs', keyPrefix: 'naive/', project, logstore });
 * const response = await handler(event, context);
 * ```
 */
export function naiveKinesisToS3Handler(
  target: NaiveTarget,
): (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse> {
  const processor = new BatchProcessor(EventType.KinesisDataStreams);

  const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
    const list = PbjsLogGroupListType.decode(
      Buffer.from(record.kinesis.data, 'base64'),
    ) as unknown as PbjsLogGroupList;
    let body = '';
    for (const group of list.logGroupList) {
      const tags = Object.fromEntries(group.LogTags.map((tag) => [tag.Key, tag.Value]));
      for (const log of group.Logs) {
        body += `${JSON.stringify({
          time: log.Time,
          timeNs: Object.hasOwn(log, 'Time_ns') ? log.Time_ns : undefined,
          project: target.project || undefined,
          logstore: target.logstore || undefined,
          topic: group.Topic || undefined,
          source: group.Source || undefined,
          machineUUID: group.MachineUUID || undefined,
          category: group.Category || undefined,
          tags,
          contents: Object.fromEntries(log.Contents.map((content) => [content.Key, content.Value])),
        })}\n`;
      }
    }
    await target.client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: `${target.keyPrefix}${record.kinesis.sequenceNumber}.jsonl.gz`,
        Body: await gzipAsync(body),
        ContentType: 'application/x-ndjson',
        ContentEncoding: 'gzip',
      }),
    );
  };

  return (event, context) => processPartialResponse(event, recordHandler, processor, { context });
}
