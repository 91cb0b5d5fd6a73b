import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { encodeLogGroupListJson } from '../../src/protocol/logGroupJson.ts';
import { aggregateKpl } from '../helpers/kplAggregator.ts';
import type { Random } from '../helpers/random.ts';
import {
  cloudWatchData,
  customSingleLine,
  flattenLine,
  gzip,
  utf8,
  zstd,
} from '../input/helpers/payloads.ts';

// How producers put LogGroups into records, per source, and how often each appears in a run.
// SQS bodies are text, so binary forms travel as base64 there; Kinesis carries raw bytes.

/** Input formats of SQS bodies, with their share of the valid records. */
export const SQS_FORMATS = {
  'protobuf+base64': 3,
  'gzip+base64': 2,
  'zstd+base64': 1,
  json: 2,
  'converter:jsonline': 1,
  'converter:flatten': 1,
  'converter:array': 1,
  'cloudwatch+gzip+base64': 1,
  'cloudwatch:json': 1,
} as const;
export type SqsFormat = keyof typeof SQS_FORMATS;

/** Input formats of Kinesis data, with their share of the valid records. */
export const KINESIS_FORMATS = {
  protobuf: 3,
  gzip: 2,
  zstd: 1,
  json: 1,
  'converter:jsonline': 1,
  'cloudwatch+gzip': 2,
  kpl: 2,
} as const;
export type KinesisFormat = keyof typeof KINESIS_FORMATS;

/** True for the formats that hold exactly one LogGroup without routing tags (a CloudWatch subscription message). */
export const isCloudWatchFormat = (format: string): boolean => format.startsWith('cloudwatch');

const base64Text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** One SQS body holding `groups` in `format`. */
export function encodeSqsBody(format: SqsFormat, groups: readonly LogGroup[]): string {
  switch (format) {
    case 'protobuf+base64':
      return base64Text(encodeLogGroupList(groups));
    case 'gzip+base64':
      return base64Text(gzip(encodeLogGroupList(groups)));
    case 'zstd+base64':
      return base64Text(zstd(encodeLogGroupList(groups)));
    case 'json':
      return encodeLogGroupListJson(groups);
    case 'converter:jsonline':
      return converterLines(groups, customSingleLine).join('\n');
    case 'converter:flatten':
      return converterLines(groups, flattenLine).join('\n');
    case 'converter:array':
      return `[${converterLines(groups, customSingleLine).join(',')}]`;
    case 'cloudwatch+gzip+base64':
      return base64Text(gzip(cloudWatchMessage(groups)));
    case 'cloudwatch:json':
      return cloudWatchMessage(groups);
  }
}

/** One Kinesis record's data holding `groups` in `format` (a KPL aggregate: one user record per group). */
export function encodeKinesisData(
  format: KinesisFormat,
  groups: readonly LogGroup[],
  random: Random,
): Uint8Array {
  switch (format) {
    case 'protobuf':
      return encodeLogGroupList(groups);
    case 'gzip':
      return gzip(encodeLogGroupList(groups));
    case 'zstd':
      return zstd(encodeLogGroupList(groups));
    case 'json':
      return utf8(encodeLogGroupListJson(groups));
    case 'converter:jsonline':
      return utf8(converterLines(groups, customSingleLine).join('\n'));
    case 'cloudwatch+gzip':
      return gzip(cloudWatchMessage(groups));
    case 'kpl':
      return aggregateKpl(
        groups.map((group, i) => {
          const inner = random.pick(['protobuf', 'gzip', 'json'] as const);
          return { data: encodeKinesisData(inner, [group], random), partitionKey: `user-${i}` };
        }),
      );
  }
}

function converterLines(
  groups: readonly LogGroup[],
  line: (group: LogGroup, log: LogGroup['logs'][number], options: { nanoseconds?: boolean }) => string,
): string[] {
  return groups.flatMap((group) => group.logs.map((log) => line(group, log, { nanoseconds: true })));
}

/**
 * A CloudWatch Logs subscription DATA_MESSAGE carrying the one group's logs: the event id is the
 * log's `chaos_id`, the message its `msg` (the decoder turns them into contents `id` / `message`).
 */
function cloudWatchMessage(groups: readonly LogGroup[]): string {
  if (groups.length !== 1) throw new Error('a CloudWatch subscription message holds exactly one group');
  const group = groups[0]!;
  const value = (log: LogGroup['logs'][number], key: string) =>
    log.contents.find((pair) => pair.key === key)?.value ?? '';
  return cloudWatchData(
    group.logs.map((log) => ({
      id: value(log, 'chaos_id'),
      timestamp: log.time * 1000 + Math.floor((log.timeNs ?? 0) / 1e6),
      message: value(log, 'msg'),
    })),
    { logGroup: group.topic ?? 'chaos', logStream: group.source ?? 'chaos' },
  );
}
