import type { KeyValue, Log, LogGroup } from './LogGroup.ts';

/**
 * The one JSON line shape every text destination writes (stdout, file, S3 JSONL, CloudWatch):
 *
 * `{"time":<unix s>,"timeNs":<ns, omitted when absent>,"project","logstore","topic","source",
 *   "machineUUID","category","tags":{..},"contents":{..}}`
 *
 * Empty meta fields are omitted; a duplicate key inside contents or tags keeps its last value in
 * this view (the protobuf output stays lossless). Integer-like keys come first, as JSON objects
 * order them in JavaScript.
 */
export type LogLineFormatter = (log: Log) => string;

/**
 * Build the formatter for one group: the meta and tags part is serialized once per group, each
 * log then only adds its time and contents.
 *
 * @example
 * ```ts
 * const format = logLineFormatter(group, 'proj', 'store');
 * const lines = group.logs.map(format);
 * ```
 */
export function logLineFormatter(group: LogGroup, project: string, logstore: string): LogLineFormatter {
  let middle = '';
  for (const [name, value] of [
    ['project', project],
    ['logstore', logstore],
    ['topic', group.topic],
    ['source', group.source],
    ['machineUUID', group.machineUUID],
    ['category', group.category],
  ] as const) {
    if (value) middle += `,"${name}":${JSON.stringify(value)}`;
  }
  middle += `,"tags":${pairsToJson(group.logTags)},"contents":`;
  return (log) =>
    `{"time":${log.time}${log.timeNs === undefined ? '' : `,"timeNs":${log.timeNs}`}${middle}${pairsToJson(log.contents)}}`;
}

/** `[{key,value}]` → a JSON object text, last value winning for a duplicated key. */
export function pairsToJson(pairs: readonly KeyValue[]): string {
  // A null-prototype object, so a key named "__proto__" is data, not a prototype change.
  const object: Record<string, string> = Object.create(null);
  for (const { key, value } of pairs) object[key] = value;
  return JSON.stringify(object);
}

/**
 * All logs of `groups` as JSON Lines text (each line ends with `\n`), in group and log order.
 *
 * @example
 * ```ts
 * await writeFile('out.jsonl', formatJsonLines(groups, 'proj', 'store'));
 * ```
 */
export function formatJsonLines(groups: readonly LogGroup[], project: string, logstore: string): string {
  let text = '';
  for (const group of groups) {
    const format = logLineFormatter(group, project, logstore);
    for (const log of group.logs) text += `${format(log)}\n`;
  }
  return text;
}
