import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { encodeLogGroupList } from '../../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import { kinesisRecord, sqsMessage } from '../../helpers/events.ts';
import { jsonBody, protobufBody } from '../../helpers/handlerHarness.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

/** Garbage no decoder accepts: quarantined as unsupported-format. */
export const POISON_TEXT = 'this is not a LogGroup';
const LOGS_PER_GROUP = 3;

/** One record of a batch: the logstores of its LogGroups (one group each), or poison. */
export interface RecordSpec {
  readonly logstores: readonly string[];
  readonly poison?: true;
  /** SQS FIFO message group. */
  readonly group?: string;
}

/** One log sent, by its unique `uid` content. */
export interface SentLog {
  readonly uid: string;
  readonly logstore: string;
}

export interface Item<TRecord> {
  readonly id: string;
  readonly spec: RecordSpec;
  readonly record: TRecord;
}

export interface Batch<TRecord> {
  readonly items: readonly Item<TRecord>[];
  readonly logs: readonly SentLog[];
  readonly poisonIds: readonly string[];
}

/** SQS messages (FIFO when the specs name groups); bodies alternate protobuf (base64) and JSON. */
export function sqsBatch(label: string, specs: readonly RecordSpec[]): Batch<SQSRecord> {
  return build(label, specs, (spec, groups, index) => {
    const body = spec.poison ? POISON_TEXT : index % 2 === 0 ? protobufBody(...groups) : jsonBody(...groups);
    const message = sqsMessage(body, spec.group === undefined ? {} : { groupId: spec.group });
    return { id: message.messageId, record: message };
  });
}

/** Kinesis records of one shard, protobuf LogGroupLists. */
export function kinesisBatch(label: string, specs: readonly RecordSpec[]): Batch<KinesisStreamRecord> {
  return build(label, specs, (spec, groups) => {
    const data = spec.poison ? Buffer.from(POISON_TEXT) : encodeLogGroupList(groups);
    const record = kinesisRecord(data);
    return { id: record.kinesis.sequenceNumber, record };
  });
}

function build<TRecord>(
  label: string,
  specs: readonly RecordSpec[],
  make: (spec: RecordSpec, groups: LogGroup[], index: number) => { id: string; record: TRecord },
): Batch<TRecord> {
  // Recent times: CloudWatch Logs refuses events older than 14 days.
  const time = Math.floor(Date.now() / 1000) - 60;
  const logs: SentLog[] = [];
  const items = specs.map((spec, r) => {
    const groups = spec.logstores.map((logstore, g) => {
      const contents = Array.from({ length: LOGS_PER_GROUP }, (_, l) => {
        const uid = `${label}-r${r}-g${g}-l${l}`;
        logs.push({ uid, logstore });
        return { uid, path: `/${logstore}/${l}`, status: '200' };
      });
      return aLogGroup(contents, { time, logTags: [{ key: '__logstore__', value: logstore }] });
    });
    return { ...make(spec, groups, r), spec };
  });
  const poisonIds = items.filter((item) => item.spec.poison).map((item) => item.id);
  return { items, logs, poisonIds };
}
