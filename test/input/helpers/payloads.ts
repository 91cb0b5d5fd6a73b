import { gzipSync, zstdCompressSync } from 'node:zlib';
import type { Log, LogGroup } from '../../../src/protocol/LogGroup.ts';

/** Decoder options as the runtime passes them by default. */
export const AUTO = { format: 'auto', maxDecompressedBytes: 32 * 1024 * 1024 } as const;

export const gzip = (bytes: Uint8Array | string): Buffer => gzipSync(bytes);
export const zstd = (bytes: Uint8Array | string): Buffer => zstdCompressSync(bytes);
/** What an SQS body holding base64 looks like once the runtime turns it into bytes. */
export const base64 = (bytes: Uint8Array): Buffer =>
  Buffer.from(Buffer.from(bytes).toString('base64'), 'utf8');
export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/**
 * One log as LoongCollector's `custom_single` converter writes it (Go `encoding/json`): contents,
 * tags with the group's LogTags plus `host.ip` (the source, always) and `log.topic` (when set), and
 * `time` in seconds, or `seconds * 1e9 + ns` with `EnableTimestampNanosecond`.
 */
export function customSingleLine(group: LogGroup, log: Log, options: { nanoseconds?: boolean } = {}): string {
  const tags: Record<string, string> = Object.create(null);
  for (const { key, value } of group.logTags) tags[key] = value;
  tags['host.ip'] = group.source ?? '';
  if (group.topic) tags['log.topic'] = group.topic;
  const contents: Record<string, string> = Object.create(null);
  for (const { key, value } of log.contents) contents[key] = value;
  return `{"contents":${JSON.stringify(contents)},"tags":${JSON.stringify(tags)},"time":${timeText(log, options)}}`;
}

/** One log as the `custom_single_flatten` converter writes it: contents and tags merged, plus `time`. */
export function flattenLine(group: LogGroup, log: Log, options: { nanoseconds?: boolean } = {}): string {
  const object: Record<string, string> = Object.create(null);
  for (const { key, value } of log.contents) object[key] = value;
  for (const { key, value } of group.logTags) object[key] = value;
  object['host.ip'] = group.source ?? '';
  if (group.topic) object['log.topic'] = group.topic;
  const text = JSON.stringify(object);
  return `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"time":${timeText(log, options)}}`;
}

function timeText(log: Log, options: { nanoseconds?: boolean }): string {
  return options.nanoseconds
    ? (BigInt(log.time) * 1_000_000_000n + BigInt(log.timeNs ?? 0)).toString()
    : String(log.time);
}

/** A CloudWatch Logs subscription DATA_MESSAGE (before gzip). */
export function cloudWatchData(
  events: Array<{ id: string; timestamp: number; message: string; extractedFields?: Record<string, string> }>,
  overrides: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: '/aws/lambda/checkout',
    logStream: '2024/01/01/[$LATEST]abcdef',
    subscriptionFilters: ['to-kinesis'],
    logEvents: events,
    ...overrides,
  });
}

/** The CONTROL_MESSAGE CloudWatch Logs sends when a subscription is created. */
export const CLOUDWATCH_CONTROL = JSON.stringify({
  messageType: 'CONTROL_MESSAGE',
  owner: 'CloudwatchLogs',
  logGroup: '',
  logStream: '',
  subscriptionFilters: [],
  logEvents: [
    {
      id: '',
      timestamp: 1_700_000_000_000,
      message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.',
    },
  ],
});
