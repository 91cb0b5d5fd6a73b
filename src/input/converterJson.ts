import { DecodeError } from '../errors.ts';
import type { KeyValue, Log, LogGroup } from '../protocol/LogGroup.ts';
import { isJsonObject, type JsonObject } from '../shared/isJsonObject.ts';
import { readConverterTime, readNanosecondPart } from './converterTime.ts';
import { jsonToText, jsonType, parseJsonText } from './jsonText.ts';

/** The shapes of iLogtail/LoongCollector converter JSON this decoder reads. */
export const ConverterShape = {
  customSingle: 'custom_single',
  customSingleFlatten: 'custom_single_flatten',
  jsonline: 'jsonline',
  array: 'array',
} as const;
export type ConverterShape = (typeof ConverterShape)[keyof typeof ConverterShape];

/** One converted log with the group-level fields it carries. */
interface Entry {
  topic: string | undefined;
  source: string | undefined;
  tags: KeyValue[];
  log: Log;
}

const CUSTOM_SINGLE_KEYS: ReadonlySet<string> = new Set(['time', 'contents', 'tags']);
// The converter writes LogGroup.Topic and LogGroup.Source as these tags (`log_topic`/`host_ip`
// in older releases); the SLS flat form writes `__topic__`/`__source__`. First found wins.
const TOPIC_TAGS = ['log.topic', 'log_topic'] as const;
const SOURCE_TAGS = ['host.ip', 'host_ip'] as const;
const FLAT_TOPIC_KEYS = ['__topic__', ...TOPIC_TAGS] as const;
const FLAT_SOURCE_KEYS = ['__source__', ...SOURCE_TAGS] as const;
const TAG_PREFIX = '__tag__:';
const SLS_TIME = '__time__';
const SLS_TIME_NS_PART = '__time_ns_part__';

const hasOwn = (object: JsonObject, key: string): boolean => Object.hasOwn(object, key);

/** True when a JSON object has a converter's time key or a `contents` object. */
export function isConverterObject(value: JsonObject): boolean {
  return hasOwn(value, 'time') || hasOwn(value, SLS_TIME) || isJsonObject(value.contents);
}

/**
 * Decode one parsed converter document: a `custom_single` or `custom_single_flatten` object, or
 * an array of them. Logs sharing topic, source and tags (in any key order) share one LogGroup.
 *
 * @example
 * ```ts
 * const { groups } = decodeConverterValue(JSON.parse('{"time":1700000000,"contents":{"msg":"hi"},"tags":{"host.ip":"10.0.0.1"}}'));
 * ```
 */
export function decodeConverterValue(
  value: unknown,
  path = '$',
): { groups: LogGroup[]; shape: ConverterShape } {
  if (Array.isArray(value)) {
    const entries = value.map((item, i) => readEntry(item, `${path}[${i}]`).entry);
    return { groups: groupEntries(entries), shape: ConverterShape.array };
  }
  const { entry, shape } = readEntry(value, path);
  return { groups: groupEntries([entry]), shape };
}

/**
 * Decode a `jsonline` body: one converter object per line (`\n` or `\r\n`), blank lines ignored.
 * Errors name the 1-based line (`line 3.time`).
 */
export function decodeConverterLines(text: string): LogGroup[] {
  const entries: Entry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const path = `line ${i + 1}`;
    entries.push(readEntry(parseJsonText(line, path), path).entry);
  }
  return groupEntries(entries);
}

/** True when the first non-blank line of `text` is a JSON object on its own (a `jsonline` body). */
export function startsWithJsonObjectLine(text: string): boolean {
  for (const line of text.split('\n', 64)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      return isJsonObject(JSON.parse(trimmed));
    } catch {
      return false;
    }
  }
  return false;
}

function readEntry(value: unknown, path: string): { entry: Entry; shape: ConverterShape } {
  if (!isJsonObject(value)) {
    throw new DecodeError(path, undefined, `expected a converter JSON object, got ${jsonType(value)}`);
  }
  return isCustomSingle(value)
    ? { entry: readCustomSingle(value, path), shape: ConverterShape.customSingle }
    : { entry: readFlatten(value, path), shape: ConverterShape.customSingleFlatten };
}

/** `{"time","contents":{..},"tags":{..}}` and nothing else; any other object is read as flattened. */
function isCustomSingle(value: JsonObject): boolean {
  if (!hasOwn(value, 'contents') || !isObjectOrNull(value.contents)) return false;
  if (hasOwn(value, 'tags') && !isObjectOrNull(value.tags)) return false;
  return Object.keys(value).every((key) => CUSTOM_SINGLE_KEYS.has(key));
}

function isObjectOrNull(value: unknown): boolean {
  return value === null || isJsonObject(value);
}

function readCustomSingle(value: JsonObject, path: string): Entry {
  if (!hasOwn(value, 'time')) throw new DecodeError(`${path}.time`, undefined, 'required field missing');
  const { time, timeNs } = readConverterTime(value.time, `${path}.time`);
  const contents = pairs((value.contents ?? {}) as JsonObject, `${path}.contents`);
  const tags = pairs((value.tags ?? {}) as JsonObject, `${path}.tags`);
  const topic = takeFirst(tags, TOPIC_TAGS);
  const source = takeFirst(tags, SOURCE_TAGS);
  return { topic, source, tags, log: { time, timeNs, contents } };
}

function readFlatten(value: JsonObject, path: string): Entry {
  const timeKey = hasOwn(value, SLS_TIME) ? SLS_TIME : hasOwn(value, 'time') ? 'time' : undefined;
  if (timeKey === undefined) {
    throw new DecodeError(
      `${path}.time`,
      undefined,
      'required field missing (converter JSON has "time", SLS flat JSON "__time__")',
    );
  }
  // `__time__` is seconds (the SLS flat form); the converter's `time` may be nanoseconds.
  const { time, timeNs: fromTime } = readConverterTime(
    value[timeKey],
    `${path}.${timeKey}`,
    timeKey === 'time',
  );
  const nsPartUsed = fromTime === undefined && hasOwn(value, SLS_TIME_NS_PART);
  const timeNs = nsPartUsed
    ? readNanosecondPart(value[SLS_TIME_NS_PART], `${path}.${SLS_TIME_NS_PART}`)
    : fromTime;
  const contents: KeyValue[] = [];
  const tags: KeyValue[] = [];
  let index = 0;
  for (const key of Object.keys(value)) {
    const at = index++;
    if (key === timeKey || (nsPartUsed && key === SLS_TIME_NS_PART)) continue;
    const text = jsonToText(value[key], `${path}[${at}]`);
    if (key.startsWith(TAG_PREFIX)) tags.push({ key: key.slice(TAG_PREFIX.length), value: text });
    else contents.push({ key, value: text });
  }
  const topic = takeFirst(contents, FLAT_TOPIC_KEYS);
  const source = takeFirst(contents, FLAT_SOURCE_KEYS);
  return { topic, source, tags, log: { time, timeNs, contents } };
}

function pairs(object: JsonObject, path: string): KeyValue[] {
  const result: KeyValue[] = [];
  let index = 0;
  for (const key of Object.keys(object)) {
    result.push({ key, value: jsonToText(object[key], `${path}[${index++}]`) });
  }
  return result;
}

/** Remove the first pair whose key is found, trying `keys` in order; its value, `undefined` when empty. */
function takeFirst(list: KeyValue[], keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const index = list.findIndex((pair) => pair.key === key);
    if (index >= 0) return list.splice(index, 1)[0]!.value || undefined;
  }
  return undefined;
}

/** Group entries by (topic, source, tag set), in order of first appearance; logs keep their order. */
function groupEntries(entries: readonly Entry[]): LogGroup[] {
  const groups = new Map<string, LogGroup>();
  for (const entry of entries) {
    // Tag order is not meaningful (Go maps; jsoniter writes them in random order): sort for the key.
    const tagKey = entry.tags
      .map(({ key, value }) => [key, value])
      .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
    const key = JSON.stringify([entry.topic ?? '', entry.source ?? '', tagKey]);
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        logs: [],
        category: undefined,
        topic: entry.topic,
        source: entry.source,
        machineUUID: undefined,
        logTags: entry.tags,
      };
      groups.set(key, group);
    }
    group.logs.push(entry.log);
  }
  return [...groups.values()];
}
