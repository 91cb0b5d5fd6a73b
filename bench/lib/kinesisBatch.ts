import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { KINESIS_MAX_RECORD_BYTES } from '../../src/cli/recordLimits.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { countLogs, webAccessLogGroups } from './webAccessLogs.ts';

/** The shape of a seeded Kinesis batch: `records` records, each one LogGroupList of several LogGroups. */
export interface KinesisBatchOptions {
  seed: number;
  records: number;
  groupsPerRecord: number;
  logsPerGroup: number;
}

/** A Kinesis event as Lambda delivers it, with what the benchmarks report about it. */
export interface KinesisBatch {
  readonly event: KinesisStreamEvent;
  readonly records: number;
  readonly groups: number;
  readonly logs: number;
  /** Σ `kinesis.data` characters: the base64 the event carries (what the 6 MB payload limit counts). */
  readonly base64Bytes: number;
  /** Σ decoded record bytes: the LogGroupList protobuf the producer wrote. */
  readonly protobufBytes: number;
}

/**
 * The benchmark batch of issue 7: about 6 MB of base64 `LogGroupList` data, as one shard's
 * Kinesis event. 32 records × 6 LogGroups × 24 web-access logs (~1 KB each) = 4,608 logs,
 * 192 LogGroups, ~4.5 MB of protobuf, ~6.0 MB of base64.
 */
export const SIX_MB_BATCH: KinesisBatchOptions = {
  seed: 0x6b_1e,
  records: 32,
  groupsPerRecord: 6,
  logsPerGroup: 24,
};
/** `--quick`: the same shape, tiny. */
export const QUICK_BATCH: KinesisBatchOptions = {
  seed: 0x6b_1e,
  records: 3,
  groupsPerRecord: 2,
  logsPerGroup: 4,
};

const SHARD = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/ilogtail';

/**
 * Build the batch deterministically: the groups come from the seeded web-access generator, record
 * `i` holds groups `[i·g, (i+1)·g)` as one LogGroupList (what an iLogtail Kinesis flusher writes),
 * sequence numbers increase in shard order.
 */
export function kinesisBatch(options: KinesisBatchOptions): KinesisBatch {
  const groups = webAccessLogGroups({
    seed: options.seed,
    groups: options.records * options.groupsPerRecord,
    logsPerGroup: options.logsPerGroup,
  });
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < options.records; i++) {
    payloads.push(
      encodeLogGroupList(groups.slice(i * options.groupsPerRecord, (i + 1) * options.groupsPerRecord)),
    );
  }
  return { ...kinesisEvent(payloads), groups: groups.length, logs: countLogs(groups) };
}

/**
 * One shard's Kinesis event carrying `payloads` as its records' data, in order, with increasing
 * sequence numbers, as Lambda delivers it.
 */
export function kinesisEvent(
  payloads: readonly Uint8Array[],
): Pick<KinesisBatch, 'event' | 'records' | 'base64Bytes' | 'protobufBytes'> {
  const records: KinesisStreamRecord[] = [];
  let base64Bytes = 0;
  let protobufBytes = 0;
  payloads.forEach((bytes, i) => {
    const partitionKey = `host-${i % 16}`;
    if (bytes.length + partitionKey.length > KINESIS_MAX_RECORD_BYTES) {
      throw new Error(`record ${i} of ${bytes.length} bytes is over Kinesis's 1 MiB record limit`);
    }
    const data = Buffer.from(bytes).toString('base64');
    protobufBytes += bytes.length;
    base64Bytes += data.length;
    const sequenceNumber = `49590000000000000000000000000000000000000000${String(i).padStart(12, '0')}`;
    records.push({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber,
        data,
        approximateArrivalTimestamp: 1_700_000_000 + i / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/loggroup-flusher',
      awsRegion: 'us-east-1',
      eventSourceARN: STREAM_ARN,
    });
  });
  return { event: { Records: records }, records: records.length, base64Bytes, protobufBytes };
}

/** One line on the batch for a benchmark's `input` text. */
export function describeBatch(batch: KinesisBatch): string {
  return `Kinesis event of ${batch.records} records, ${(batch.base64Bytes / 1e6).toFixed(2)} MB base64 (${(batch.protobufBytes / 1e6).toFixed(2)} MB LogGroupList protobuf): ${batch.groups} LogGroups, ${batch.logs} seeded logs (mean ${Math.round(batch.protobufBytes / batch.logs)} B as protobuf)`;
}

/**
 * The same records under new sequence numbers, as if the producer had put the same data again
 * (`round` numbers the copy). The data strings are shared, not copied. Benchmarks invoke with a
 * fresh copy each time: the flushers remember what they stored per record id, so handling the very
 * same event twice would skip the writes instead of measuring them.
 */
export function withFreshSequenceNumbers(event: KinesisStreamEvent, round: number): KinesisStreamEvent {
  return {
    Records: event.Records.map((record) => {
      const sequenceNumber = `${record.kinesis.sequenceNumber}-${round}`;
      return {
        ...record,
        kinesis: { ...record.kinesis, sequenceNumber },
        eventID: `${SHARD}:${sequenceNumber}`,
      };
    }),
  };
}
