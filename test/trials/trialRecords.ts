// The records of one trial: SQS messages (standard or FIFO) or Kinesis records, each carrying a
// protobuf LogGroupList whose every log has a unique `uid` content, so the destination can be
// checked log by log.
import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { kinesisRecord, sqsMessage } from '../helpers/events.ts';
import type { Random } from '../helpers/random.ts';

export const SourceKind = { sqs: 'sqs', sqsFifo: 'sqs-fifo', kinesis: 'kinesis' } as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];
export const SOURCE_KINDS: readonly SourceKind[] = Object.values(SourceKind);

/** One record of the trial's input. */
export interface TrialRecord {
  /** messageId or sequence number: what the batch response names. */
  readonly id: string;
  /** The FIFO message group or the shard: where the source promises order. */
  readonly orderKey: string | undefined;
  /** The `uid` of every log it carries. */
  readonly uids: readonly string[];
  /** Its logs by the logstore they are routed to: each logstore is one flush of the batch. */
  readonly byLogstore: ReadonlyMap<string, readonly string[]>;
  readonly entry: SQSRecord | KinesisStreamRecord;
}

/** What the records look like. */
export interface RecordShape {
  readonly records: number;
  readonly logsPerRecord: readonly [min: number, max: number];
  /** Each LogGroup is routed (tag `__logstore__`) to one of these. */
  readonly logstores: readonly string[];
  /** LogGroups per record, at most. */
  readonly maxGroupsPerRecord: number;
  /** Log times spread over this many hours back from now (0: all in the current UTC hour). */
  readonly hours: number;
  /** Extra tags per LogGroup; every JSON line repeats them, which makes objects big from small input. */
  readonly wideTags?: number;
  /** `__project__` tag on every group (routing per trial), if set. */
  readonly project?: string;
}

/** The Lambda function a source's records go to. */
export function functionFor(source: SourceKind): 'sqs' | 'kinesis' {
  return source === SourceKind.kinesis ? 'kinesis' : 'sqs';
}

/** Build the records; `label` makes every uid, id and sequence number unique across trials. */
export function trialRecords(
  random: Random,
  label: string,
  source: SourceKind,
  shape: RecordShape,
): TrialRecord[] {
  const now = Math.floor(Date.now() / 1000);
  const hourStart = now - (now % 3600);
  const fifoGroups = Math.max(1, Math.ceil(shape.records / 4));
  const records: TrialRecord[] = [];
  for (let index = 0; index < shape.records; index++) {
    const groups: LogGroup[] = [];
    const uids: string[] = [];
    const byLogstore = new Map<string, string[]>();
    const logs = random.int(shape.logsPerRecord[0], shape.logsPerRecord[1]);
    const groupCount = Math.min(logs, random.int(1, shape.maxGroupsPerRecord));
    for (let g = 0; g < groupCount; g++) {
      const inGroup = g === groupCount - 1 ? logs - uids.length : Math.ceil(logs / groupCount);
      const logstore = random.pick(shape.logstores);
      const routed = byLogstore.get(logstore) ?? [];
      byLogstore.set(logstore, routed);
      const logTags = [{ key: '__logstore__', value: logstore }];
      if (shape.project !== undefined) logTags.push({ key: '__project__', value: shape.project });
      for (let t = 0; t < (shape.wideTags ?? 0); t++) {
        logTags.push({ key: `k8s.label.${t}`, value: `${label}-deployment-revision-${'x'.repeat(32)}-${t}` });
      }
      const group: LogGroup = {
        logs: [],
        topic: 'trial',
        source: `web-${random.int(1, 3)}`,
        logTags,
      };
      for (let l = 0; l < inGroup; l++) {
        const uid = `${label}.${index}.${uids.length}`;
        uids.push(uid);
        routed.push(uid);
        const time = shape.hours === 0 ? random.int(hourStart, now) : now - random.int(0, shape.hours * 3600);
        group.logs.push({
          time,
          contents: [
            { key: 'uid', value: uid },
            { key: 'status', value: random.pick(['200', '200', '404', '500']) },
          ],
        });
      }
      groups.push(group);
    }
    const bytes = encodeLogGroupList(groups);
    const serial = String(index).padStart(6, '0');
    if (source === SourceKind.kinesis) {
      const sequenceNumber = `4959${label.replace(/\D/g, '').padStart(12, '0')}${serial}`;
      records.push({
        id: sequenceNumber,
        orderKey: 'shard:shardId-000000000000',
        uids,
        byLogstore,
        entry: kinesisRecord(bytes, { sequenceNumber, shard: 'shardId-000000000000' }),
      });
    } else {
      const messageId = `${label}-m${serial}`;
      const groupId = source === SourceKind.sqsFifo ? `g${index % fifoGroups}` : undefined;
      records.push({
        id: messageId,
        orderKey: groupId === undefined ? undefined : `fifo:${groupId}`,
        uids,
        byLogstore,
        entry: sqsMessage(Buffer.from(bytes).toString('base64'), {
          messageId,
          ...(groupId === undefined ? {} : { groupId }),
        }),
      });
    }
  }
  return records;
}

/** The event Lambda would send for `batch`. */
export function eventOf(batch: readonly TrialRecord[]): { Records: Array<SQSRecord | KinesisStreamRecord> } {
  return { Records: batch.map((record) => record.entry) };
}
