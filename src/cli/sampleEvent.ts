import { gzipSync } from 'node:zlib';
import { encodeLogGroupList } from '../protocol/encodeLogGroup.ts';
import { encodeLogGroupListJson } from '../protocol/logGroupJson.ts';
import { webAccessLogGroups } from './sampleLogs.ts';

export type SampleSource = 'sqs' | 'sqs-fifo' | 'kinesis';

/** When a sample event's logs were written and its records sent. */
export interface SampleTimes {
  /** Unix seconds of the first log; the six sample LogGroups are 2 s apart. */
  readonly startTime: number;
  /** When the records were sent (SQS `SentTimestamp`, Kinesis arrival), in ms. */
  readonly sentMs: number;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/**
 * Times of a sample event made at `nowMs`: the logs of the last 10 seconds, sent now. CloudWatch
 * Logs takes events from 14 days ago up to 2 hours ahead, so the event works for every
 * destination for two weeks.
 */
export function sampleTimesAt(nowMs: number): SampleTimes {
  return { startTime: Math.floor(nowMs / 1000) - 10, sentMs: nowMs };
}

/**
 * A Lambda event as SQS (standard or FIFO) or Kinesis delivers it, carrying web access logs for
 * the logstores `nginx-access` and `checkout` (routed by the `__logstore__` tag): SQS has base64
 * protobuf, base64 gzip protobuf, the JSON form (with a `logstore` message attribute the tag
 * overrides) and one poison message; FIFO three base64 protobuf messages in two message groups;
 * Kinesis protobuf, gzip protobuf and protobuf. test/events/*.json are these events at fixed times.
 *
 * @example
 * ```ts
 * const event = sampleEvent('kinesis', sampleTimesAt(Date.now()));
 * ```
 */
export function sampleEvent(source: SampleSource, times: SampleTimes): { Records: unknown[] } {
  const groups = webAccessLogGroups({
    groups: 6,
    logsPerGroup: 3,
    logstores: ['nginx-access', 'checkout'],
    seed: 7,
    startTime: times.startTime,
  });
  const protobuf = (i: number) => Buffer.from(encodeLogGroupList([groups[i]!])).toString('base64');
  const gzipped = (i: number) => Buffer.from(gzipSync(encodeLogGroupList([groups[i]!]))).toString('base64');
  if (source === 'kinesis') {
    return {
      Records: [protobuf(3), gzipped(4), protobuf(5)].map((data, i) => kinesisRecord(data, i, times.sentMs)),
    };
  }
  if (source === 'sqs-fifo') {
    return {
      Records: [0, 1, 2].map((i) =>
        sqsRecord(protobuf(i), i, times.sentMs, {
          fifo: { group: `web-${i < 2 ? 1 : 2}`, dedup: `d${i}`, sequence: `1881000000000000000${i}` },
          logstoreAttribute: i === 2,
        }),
      ),
    };
  }
  const bodies = [
    protobuf(0),
    gzipped(1),
    encodeLogGroupListJson([groups[2]!]),
    'not a LogGroup: this message is quarantined',
  ];
  return {
    Records: bodies.map((body, i) => sqsRecord(body, i, times.sentMs, { logstoreAttribute: i === 2 })),
  };
}

/** The event as a file's text: two-space indented JSON and a final newline. */
export function sampleEventText(source: SampleSource, times: SampleTimes): string {
  return `${JSON.stringify(sampleEvent(source, times), null, 2)}\n`;
}

function sqsRecord(
  body: string,
  i: number,
  sentMs: number,
  options: { fifo?: { group: string; dedup: string; sequence: string }; logstoreAttribute: boolean },
) {
  const queue = options.fifo ? 'loggroup-ingest.fifo' : 'loggroup-ingest';
  return {
    messageId: `0c7f1b1e-0000-4000-8000-00000000000${i}`,
    receiptHandle: `AQEB-example-${i}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sentMs),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(sentMs + 1),
      ...(options.fifo && {
        MessageGroupId: options.fifo.group,
        MessageDeduplicationId: options.fifo.dedup,
        SequenceNumber: options.fifo.sequence,
      }),
    },
    messageAttributes: options.logstoreAttribute
      ? {
          logstore: {
            stringValue: 'from-attribute',
            dataType: 'String',
            stringListValues: [],
            binaryListValues: [],
          },
        }
      : {},
    md5OfBody: 'ignored',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`,
    awsRegion: REGION,
  };
}

function kinesisRecord(data: string, i: number, sentMs: number) {
  const sequenceNumber = `4963000000000000000000000000000000000000000000000${i}`;
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: `web-${i + 3}`,
      sequenceNumber,
      data,
      approximateArrivalTimestamp: (sentMs + 123) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/loggroup-flusher`,
    awsRegion: REGION,
    eventSourceARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/loggroup-ingest`,
  };
}
