import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { deaggregateWithProtobufjs } from './kplProtobufjs.ts';
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
 * number. Records run in parallel (Powertools' default `processInParallel: true`). A KPL aggregate
 * is de-aggregated first as AWS's `aws-kinesis-agg` does (kplProtobufjs.ts), its user records' lines
 * stored in the record's one object.
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
  const recordHandler = (record: KinesisStreamRecord): Promise<void> =>
    putJsonLines(
      target,
      record.kinesis.sequenceNumber,
      deaggregateWithProtobufjs(Buffer.from(record.kinesis.data, 'base64')),
    );
  return (event, context) => processPartialResponse(event, recordHandler, processor, { context });
}

/**
 * {@link naiveKinesisToS3Handler}'s twin for SQS (`BatchProcessor(EventType.SQS)`): each message's
 * body is base64 protobuf; one object per message, keyed by message id.
 *
 * @example
 * ```ts
 * const handler = naiveSqsToS3Handler({ client, bucket: 'logs', keyPrefix: 'naive/', project, logstore });
 * ```
 */
export function naiveSqsToS3Handler(
  target: NaiveTarget,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = (record: SQSRecord): Promise<void> =>
    putJsonLines(target, record.messageId, [Buffer.from(record.body, 'base64')]);
  return (event, context) => processPartialResponse(event, recordHandler, processor, { context });
}

/** The JSON Lines of `payloads` (LogGroupLists), gzipped, as one object named after `id`. */
async function putJsonLines(target: NaiveTarget, id: string, payloads: readonly Uint8Array[]): Promise<void> {
  let body = '';
  for (const payload of payloads) {
    const list = PbjsLogGroupListType.decode(payload) as unknown as PbjsLogGroupList;
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
  }
  await target.client.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: `${target.keyPrefix}${id}.jsonl.gz`,
      Body: await gzipAsync(body),
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
    }),
  );
}
