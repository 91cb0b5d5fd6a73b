import type { PoisonReason } from '../../src/errors.ts';
import type { Log, LogGroup } from '../../src/protocol/LogGroup.ts';
import type { Random } from '../helpers/random.ts';
import { type ChaosLane, ChaosSource } from './lanes.ts';
import {
  encodeKinesisData,
  encodeSqsBody,
  isCloudWatchFormat,
  KINESIS_FORMATS,
  type KinesisFormat,
  SQS_FORMATS,
  type SqsFormat,
} from './payloadFormats.ts';
import {
  KINESIS_POISON,
  type KinesisPoisonKind,
  kinesisPoisonData,
  SQS_POISON,
  type SqsPoisonKind,
  sqsPoisonBody,
} from './poisonRecords.ts';

/** One log the run sent, identified by its `chaos_id` content. */
export interface ExpectedLog {
  readonly id: string;
  /** The `msg` content (CloudWatch subscription input: the event message). */
  readonly msg: string;
  /**
   * Outside CloudWatch Logs' time window (over 14 days old, or over 2 hours ahead): a CloudWatch
   * Logs destination must quarantine it with its record, not store it; S3 stores it like any other.
   */
  readonly outsideWindow: boolean;
}

/** One record of a lane, as its producer sent it. */
export interface ChaosRecord {
  /** Position in the lane's workload. */
  readonly index: number;
  /** SQS messageId, or the Kinesis sequence number (set once the stream assigned it). */
  id: string;
  /** SQS body (SQS lanes). */
  readonly body: string;
  /** Kinesis data (Kinesis lanes). */
  readonly data: Uint8Array;
  readonly format: string;
  readonly logs: readonly ExpectedLog[];
  /** Set for poison: its kind and the quarantine reason it must get. */
  readonly poison: { readonly kind: string; readonly reason: PoisonReason } | undefined;
  /** FIFO message group. */
  readonly groupId: string | undefined;
  /** SQS message attributes (routing). */
  readonly attributes: Record<string, string>;
  readonly partitionKey: string;
}

export interface WorkloadOptions {
  /** Share of poison records (at least 2 per lane). */
  readonly poisonShare: number;
  /** Share of records holding one log outside CloudWatch Logs' time window (too old or too new). */
  readonly outsideWindowShare: number;
  /** Share of records whose logs spread over the last 13 days (many S3 partitions, CloudWatch batches split by the 24-hour rule). */
  readonly backfillShare: number;
  /** Share of records holding one big group (100–400 logs). */
  readonly bulkShare: number;
  /** Strings to plant in log contents and poison records (security scan); empty: none. */
  readonly secrets: readonly string[];
  /** Unix seconds the logs are stamped around. */
  readonly now: number;
}

/** Logstores the records route to with the `__logstore__` tag. */
export const CHAOS_LOGSTORES = ['nginx', 'app'] as const;
/** FIFO message groups per lane. */
const FIFO_GROUPS = 16;
/** Days behind `now` of a log too old for CloudWatch Logs (it refuses events over 14 days old). */
const TOO_OLD_DAYS = 20;
/** Hours ahead of `now` of a log too new for CloudWatch Logs (it refuses events over 2 hours ahead). */
const TOO_NEW_HOURS = 3;
/** How far back a backfill record's logs reach: inside CloudWatch's 14 days. */
const BACKFILL_SECONDS = 13 * 86_400;
const METHODS = ['GET', 'GET', 'POST', 'PUT', 'DELETE'] as const;
const PATHS = ['/', '/api/orders', '/api/items', '/cart', '/login', '/static/app.js'] as const;
const STATUSES = ['200', '200', '201', '204', '301', '404', '500'] as const;

/** The records of one lane: valid ones in every input format of its source, with seeded poison among them. */
export function buildWorkload(lane: ChaosLane, random: Random, options: WorkloadOptions): ChaosRecord[] {
  const poisonAt = new Set<number>();
  const poisonCount = Math.min(lane.records, Math.max(2, Math.round(lane.records * options.poisonShare)));
  while (poisonAt.size < poisonCount) poisonAt.add(random.int(0, lane.records - 1));
  const kinesis = lane.source === ChaosSource.kinesis;
  const records: ChaosRecord[] = [];
  for (let index = 0; index < lane.records; index++) {
    const base = {
      index,
      id: kinesis ? '' : `${lane.name}-m${index}`,
      groupId: lane.source === ChaosSource.fifo ? `g${random.int(0, FIFO_GROUPS - 1)}` : undefined,
      partitionKey: `pk-${random.int(0, 999)}`,
    };
    const secret = options.secrets.length > 0 ? random.pick(options.secrets) : undefined;
    if (poisonAt.has(index)) {
      const sample = makeGroups(random, `${lane.name}-poison${index}`, 1, true, options, secret).groups[0]!;
      const kind = kinesis
        ? random.pick(Object.keys(KINESIS_POISON) as KinesisPoisonKind[])
        : random.pick(Object.keys(SQS_POISON) as SqsPoisonKind[]);
      records.push({
        ...base,
        body: kinesis ? '' : sqsPoisonBody(kind as SqsPoisonKind, sample, random, secret),
        data: kinesis
          ? kinesisPoisonData(kind as KinesisPoisonKind, sample, random, secret)
          : new Uint8Array(),
        format: `poison:${kind}`,
        logs: [],
        poison: {
          kind,
          reason: kinesis ? KINESIS_POISON[kind as KinesisPoisonKind] : SQS_POISON[kind as SqsPoisonKind],
        },
        attributes: {},
      });
      continue;
    }
    const format = kinesis ? random.weighted(KINESIS_FORMATS) : random.weighted(SQS_FORMATS);
    const single = isCloudWatchFormat(format);
    const { groups, logs } = makeGroups(
      random,
      `${lane.name}-r${index}`,
      single ? 1 : random.int(1, 3),
      !single,
      options,
      secret,
    );
    records.push({
      ...base,
      body: kinesis ? '' : encodeSqsBody(format as SqsFormat, groups),
      data: kinesis ? encodeKinesisData(format as KinesisFormat, groups, random) : new Uint8Array(),
      format,
      logs,
      poison: undefined,
      // A subscription message has no routing tags: SQS routes it with a message attribute.
      attributes: single && !kinesis ? { logstore: 'subscriptions' } : {},
    });
  }
  return records;
}

function makeGroups(
  random: Random,
  idPrefix: string,
  count: number,
  withRoutingTags: boolean,
  options: WorkloadOptions,
  secret: string | undefined,
): { groups: LogGroup[]; logs: ExpectedLog[] } {
  const logs: ExpectedLog[] = [];
  const bulk = count === 1 && random.chance(options.bulkShare);
  const backfill = random.chance(options.backfillShare);
  const outside = random.chance(options.outsideWindowShare) ? random.int(0, count * 6) : -1;
  const time = (isOutside: boolean): number => {
    if (isOutside) {
      return random.chance(0.5) ? options.now - TOO_OLD_DAYS * 86_400 : options.now + TOO_NEW_HOURS * 3_600;
    }
    return options.now - random.int(0, backfill ? BACKFILL_SECONDS : 900);
  };
  const groups = Array.from({ length: count }, (_, g): LogGroup => {
    const host = `web-${random.int(1, 4)}`;
    return {
      topic: 'access',
      source: `10.9.0.${random.int(1, 6)}`,
      category: undefined,
      machineUUID: undefined,
      logTags: [
        { key: '__hostname__', value: host },
        ...(withRoutingTags ? [{ key: '__logstore__', value: random.pick(CHAOS_LOGSTORES) }] : []),
      ],
      logs: Array.from({ length: bulk ? random.int(100, 400) : random.int(1, 6) }, (_, i): Log => {
        const id = `${idPrefix}-${g}-${i}`;
        const isOutside = logs.length === outside;
        const withSecret = secret !== undefined && random.chance(0.2);
        const msg =
          `${random.pick(METHODS)} ${random.pick(PATHS)}?id=${random.int(0, 999_999)} ${random.pick(STATUSES)} ` +
          `${(random.next() * 2).toFixed(3)} ${host}${withSecret ? ` password=${secret}` : ''}`;
        logs.push({ id, msg, outsideWindow: isOutside });
        return {
          time: time(isOutside),
          timeNs: random.int(0, 999_999_999),
          contents: [
            { key: 'chaos_id', value: id },
            { key: 'msg', value: msg },
          ],
        };
      }),
    };
  });
  return { groups, logs };
}
