import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { kinesisRecords, kinesisResponse } from '../sources/kinesisSource.ts';
import { SourceName } from '../sources/SourceRecord.ts';
import { sqsRecords, sqsResponse } from '../sources/sqsSource.ts';
import { createBatchHandler } from './createBatchHandler.ts';
import type { HandlerOptions } from './HandlerOptions.ts';

/**
 * A Lambda handler as the runtime calls it. Declared here rather than as middy's own handler type,
 * whose declarations need middy's optional peers in a user's type check.
 */
export type LambdaHandler<TEvent, TResponse> = (event: TEvent, context: Context) => Promise<TResponse>;

/**
 * A Lambda handler for SQS (standard and FIFO) event source mappings with
 * `ReportBatchItemFailures`: returns exactly the messages whose data is not durable.
 *
 * @example
 * ```ts
 * export const handler = createSqsHandler({
 *   flusher: () => new FileFlusher({ directory: '/tmp/out' }),
 *   quarantine: new FileQuarantineSink('/tmp/out/_quarantine'),
 *   project: 'shop',
 *   logstore: 'nginx',
 * });
 * ```
 */
export function createSqsHandler(options: HandlerOptions): LambdaHandler<SQSEvent, SQSBatchResponse> {
  return createBatchHandler({ name: SourceName.sqs, records: sqsRecords, response: sqsResponse }, options);
}

/**
 * A Lambda handler for Kinesis event source mappings with `ReportBatchItemFailures`: keeps shard
 * order and reports the first record not durable (Lambda resumes from it).
 *
 * @example
 * ```ts
 * export const handler = createKinesisHandler({ flusher: () => new StdoutFlusher(), quarantine });
 * ```
 */
export function createKinesisHandler(
  options: HandlerOptions,
): LambdaHandler<KinesisStreamEvent, KinesisStreamBatchResponse> {
  return createBatchHandler(
    { name: SourceName.kinesis, records: kinesisRecords, response: kinesisResponse },
    options,
  );
}
