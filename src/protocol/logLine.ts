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
  const middle = logLineMiddle(group, project, logstore);
  const contents = pairsToJsonForShape();
  return (log) =>
    `{"time":${log.time}${log.timeNs === undefined ? '' : `,"timeNs":${log.timeNs}`}${middle}${contents(log.contents)}}`;
}

/**
 * The part of every log line of `group` between the times and the contents' object:
 * `,"project":…,"tags":{…},"contents":`. The same for all the group's logs. Built once per group;
 * groups of one or two logs (a Kinesis record per log) build it once per log or two, so it takes
 * the same key-order shortcut as the contents (the shape grid measured the object-building version
 * as a large part of a 10,000-record batch: BENCHMARKS.md, issue 15).
 */
export function logLineMiddle(group: LogGroup, project: string, logstore: string): string {
  let middle = logLineStart(project, logstore);
  for (const field of LINE_META_FIELDS) {
    const value = group[field];
    if (value) middle += `,"${field}":${JSON.stringify(value)}`;
  }
  return `${middle},"tags":${tagsToJson(group.logTags)},"contents":`;
}

/** The group fields a log line carries, in line order; each is left out when empty. */
export const LINE_META_FIELDS = ['topic', 'source', 'machineUUID', 'category'] as const;

/** The start of {@link logLineMiddle}: `,"project":…,"logstore":…`, either left out when empty. */
export function logLineStart(project: string, logstore: string): string {
  let start = '';
  if (project) start += `,"project":${JSON.stringify(project)}`;
  if (logstore) start += `,"logstore":${JSON.stringify(logstore)}`;
  return start;
}

/** `[{key,value}]` → a JSON object text, last value winning for a duplicated key. */
export function pairsToJson(pairs: readonly KeyValue[]): string {
  // A null-prototype object, so a key named "__proto__" is data, not a prototype change.
  const object: Record<string, string> = Object.create(null);
  for (const { key, value } of pairs) object[key] = value;
  return JSON.stringify(object);
}

/**
 * {@link pairsToJson} for a sequence of pair lists that mostly share one key order (the logs of a
 * group: the same parser wrote them). The JSON text of the keys is made once per key order and
 * each log then only adds its values: about a quarter faster than building and serializing an
 * object per log, measured when profiling the S3 path (BENCHMARKS.md). Same text as
 * {@link pairsToJson}: a list with duplicate or integer-like keys (whose order or value an object
 * would change) or a non-string value takes the general path.
 */
function pairsToJsonForShape(): (pairs: readonly KeyValue[]) => string {
  let keys: readonly string[] = [];
  // `undefined`: the current key order needs the general path.
  let prefixes: readonly string[] | undefined = [];
  return (pairs) => {
    if (pairs.length === 0) return '{}';
    if (!sameKeys(pairs, keys)) {
      keys = pairs.map((pair) => pair.key);
      prefixes = plainPrefixes(keys);
    }
    if (prefixes === undefined) return pairsToJson(pairs);
    let text = '';
    for (let i = 0; i < pairs.length; i++) {
      const value = pairs[i]!.value;
      if (typeof value !== 'string') return pairsToJson(pairs);
      text += prefixes[i]! + JSON.stringify(value);
    }
    return `${text}}`;
  };
}

/** {@link pairsToJson} of groups' tags, which mostly share one key order from group to group. */
const tagsToJson = pairsToJsonForShape();

/** Whether `pairs` have exactly `keys`, in that order. */
export function sameKeys(pairs: readonly KeyValue[], keys: readonly string[]): boolean {
  if (pairs.length !== keys.length) return false;
  for (let i = 0; i < pairs.length; i++) if (pairs[i]!.key !== keys[i]) return false;
  return true;
}

/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
export const MAX_UTF8_BYTES_PER_CHAR = 3;

/** Largest array index + 1: keys `0` … `4294967294` are the ones objects order first. */
const ARRAY_INDEX_LIMIT = 2 ** 32 - 1;

/** The `{"key":` / `,"key":` texts of `keys`, or `undefined` when an object would reorder or merge them. */
export function plainPrefixes(keys: readonly string[]): string[] | undefined {
  if (new Set(keys).size !== keys.length) return undefined;
  for (const key of keys) {
    if (typeof key !== 'string') return undefined;
    if (/^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < ARRAY_INDEX_LIMIT) return undefined;
  }
  return keys.map((key, i) => `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
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
