import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { SQS_MAX_MESSAGE_BYTES } from '../../src/cli/recordLimits.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { aggregateKpl } from '../../test/helpers/kplAggregator.ts';
import { kinesisEvent } from './kinesisBatch.ts';
import { type LogSize, sizedLogGroups } from './sizedLogs.ts';
import { sqsEvent } from './sqsBatch.ts';
import { countLogs } from './webAccessLogs.ts';

/** Where a shape's batch comes from. */
export const ShapeSource = { kinesis: 'kinesis', kpl: 'kinesis-kpl', sqs: 'sqs' } as const;
export type ShapeSource = (typeof ShapeSource)[keyof typeof ShapeSource];

/**
 * One batch shape: `records` event records, each carrying one payload (a `LogGroupList` of
 * `groupsPerPayload` LogGroups × `logsPerGroup` logs of about `logBytes`), or, for KPL,
 * `userRecords` such payloads aggregated into each record.
 */
export interface BatchShape {
  readonly name: string;
  readonly source: ShapeSource;
  readonly records: number;
  readonly userRecords?: number;
  readonly groupsPerPayload: number;
  readonly logsPerGroup: number;
  readonly logBytes: LogSize;
}

/** A shape's batch, as Lambda delivers it, with what the benchmark reports about it. */
export interface ShapeBatch {
  readonly shape: BatchShape;
  readonly event: KinesisStreamEvent | SQSEvent;
  readonly records: number;
  /** Payloads to decode: records, or KPL user records. */
  readonly payloads: number;
  readonly groups: number;
  readonly logs: number;
  /** Σ record data as the event carries it (base64 characters: Kinesis data, SQS bodies). */
  readonly dataBytes: number;
  /** Σ decoded payload bytes: the LogGroupList protobuf the producer wrote. */
  readonly protobufBytes: number;
  /** The event's JSON, what Lambda's 6 MB payload limit counts (metadata included). */
  readonly eventBytes: number;
}

/** `--quick`: every shape shrunk to a few records of a few logs. */
const QUICK = { records: 3, userRecords: 3, logsPerGroup: 2 } as const;

/**
 * Build a shape's batch deterministically (logs from sizedLogs.ts, seeded by `seed`). KPL
 * aggregates are built as the KPL does (test/helpers/kplAggregator.ts). Throws when an SQS body
 * would be over the 256 KiB message limit.
 */
export function shapeBatch(shape: BatchShape, seed: number, quick: boolean): ShapeBatch {
  const records = quick ? Math.min(shape.records, QUICK.records) : shape.records;
  const userRecords = quick ? Math.min(shape.userRecords ?? 1, QUICK.userRecords) : (shape.userRecords ?? 1);
  const logsPerGroup = quick ? Math.min(shape.logsPerGroup, QUICK.logsPerGroup) : shape.logsPerGroup;
  const payloadCount = records * userRecords;
  const groups = sizedLogGroups({
    seed,
    groups: payloadCount * shape.groupsPerPayload,
    logsPerGroup,
    logBytes: shape.logBytes,
  });
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < payloadCount; i++) {
    payloads.push(
      encodeLogGroupList(groups.slice(i * shape.groupsPerPayload, (i + 1) * shape.groupsPerPayload)),
    );
  }
  const protobufBytes = payloads.reduce((n, payload) => n + payload.length, 0);
  const common = {
    shape,
    payloads: payloadCount,
    groups: groups.length,
    logs: countLogs(groups),
    protobufBytes,
  };
  if (shape.source === ShapeSource.sqs) {
    const bodies = payloads.map((payload) => Buffer.from(payload).toString('base64'));
    const tooLarge = bodies.find((body) => body.length > SQS_MAX_MESSAGE_BYTES);
    if (tooLarge !== undefined)
      throw new Error(`${shape.name}: a body of ${tooLarge.length} bytes is over 256 KiB`);
    const event = sqsEvent(bodies);
    const dataBytes = bodies.reduce((n, body) => n + body.length, 0);
    return { ...common, event, records, dataBytes, eventBytes: JSON.stringify(event).length };
  }
  const recordData =
    shape.source === ShapeSource.kpl
      ? Array.from({ length: records }, (_, r) =>
          aggregateKpl(
            payloads
              .slice(r * userRecords, (r + 1) * userRecords)
              .map((data, u) => ({ data, partitionKey: `host-${(r * userRecords + u) % 16}` })),
          ),
        )
      : payloads;
  const { event, base64Bytes } = kinesisEvent(recordData);
  return { ...common, event, records, dataBytes: base64Bytes, eventBytes: JSON.stringify(event).length };
}

/** One line on a shape for tables: `Kinesis: 1,000 records × 1 LogGroup × 4 logs of 1 KB`. */
export function describeShape(shape: BatchShape): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const size = shape.logBytes >= 1024 ? `${shape.logBytes / 1024} KB` : `${shape.logBytes} B`;
  const source =
    shape.source === ShapeSource.sqs ? 'SQS' : shape.source === ShapeSource.kpl ? 'Kinesis KPL' : 'Kinesis';
  const unit = shape.source === ShapeSource.sqs ? 'messages' : 'records';
  const perPayload = `${shape.groupsPerPayload} LogGroup${shape.groupsPerPayload > 1 ? 's' : ''} × ${n(shape.logsPerGroup)} log${shape.logsPerGroup > 1 ? 's' : ''}`;
  const user = shape.userRecords === undefined ? '' : ` × ${n(shape.userRecords)} user records`;
  return `${source}: ${n(shape.records)} ${unit}${user} × ${perPayload} of ${size}`;
}
