import { DecodeError } from '../errors.ts';
import { exactIntegerText } from '../shared/exactIntegerText.ts';
import { isJsonObject, type JsonObject } from '../shared/isJsonObject.ts';
import { type KeyValue, type Log, type LogGroup, UINT32_MAX } from './LogGroup.ts';

/** The JSON form of one log: `timeNs` is `null` when absent. */
export interface LogJson {
  time: number;
  timeNs: number | null;
  contents: KeyValue[];
}

/** The JSON form of one LogGroup: meta strings are `""` when absent. */
export interface LogGroupJson {
  topic: string;
  source: string;
  machineUUID: string;
  category: string;
  logTags: KeyValue[];
  logs: LogJson[];
}

/** The JSON form of a LogGroupList, as in `../shared/loggroup-vectors/`. */
export interface LogGroupListJson {
  groups: LogGroupJson[];
}

/**
 * Convert LogGroups to the JSON form (lossless: every pair, in order, duplicates kept).
 *
 * @example
 * ```ts
 * const text = JSON.stringify(toLogGroupListJson(groups));
 * ```
 */
export function toLogGroupListJson(groups: readonly LogGroup[]): LogGroupListJson {
  return {
    groups: groups.map((group) => ({
      topic: group.topic ?? '',
      source: group.source ?? '',
      machineUUID: group.machineUUID ?? '',
      category: group.category ?? '',
      logTags: group.logTags.map(({ key, value }) => ({ key, value })),
      logs: group.logs.map((log) => ({
        time: log.time,
        timeNs: log.timeNs ?? null,
        contents: log.contents.map(({ key, value }) => ({ key, value })),
      })),
    })),
  };
}

/** Serialize LogGroups as JSON-form text. */
export function encodeLogGroupListJson(groups: readonly LogGroup[]): string {
  return JSON.stringify(toLogGroupListJson(groups));
}

/**
 * Validate and convert the JSON form (text or an already parsed value) to LogGroups. Meta strings,
 * `logTags` and `timeNs` may be omitted; anything present must have the right type, otherwise a
 * {@link DecodeError} names the path (`groups[0].logs[2].time`).
 *
 * @example
 * ```ts
 * const groups = decodeLogGroupListJson('{"groups":[{"logs":[{"time":1700000000,"contents":[]}]}]}');
 * ```
 */
export function decodeLogGroupListJson(input: string | unknown): LogGroup[] {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new DecodeError('$', undefined, `invalid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const root = expectObject(value, '$');
  return expectArray(root.groups, 'groups').map((group, i) => readGroup(group, `groups[${i}]`));
}

function readGroup(value: unknown, path: string): LogGroup {
  const group = expectObject(value, path);
  return {
    logs: expectArray(group.logs ?? [], `${path}.logs`).map((log, i) => readLog(log, `${path}.logs[${i}]`)),
    category: optionalString(group.category, `${path}.category`),
    topic: optionalString(group.topic, `${path}.topic`),
    source: optionalString(group.source, `${path}.source`),
    machineUUID: optionalString(group.machineUUID, `${path}.machineUUID`),
    logTags: readPairs(group.logTags ?? [], `${path}.logTags`),
  };
}

function readLog(value: unknown, path: string): Log {
  const log = expectObject(value, path);
  const timeNs = log.timeNs ?? undefined;
  return {
    time: expectUint32(log.time, `${path}.time`),
    timeNs: timeNs === undefined ? undefined : expectUint32(timeNs, `${path}.timeNs`),
    contents: readPairs(log.contents ?? [], `${path}.contents`),
  };
}

function readPairs(value: unknown, path: string): KeyValue[] {
  return expectArray(value, path).map((item, i) => {
    const pair = expectObject(item, `${path}[${i}]`);
    return {
      key: expectString(pair.key, `${path}[${i}].key`),
      value: expectString(pair.value, `${path}[${i}].value`),
    };
  });
}

function expectObject(value: unknown, path: string): JsonObject {
  // isJsonObject: an integer beyond 2^53 parses as a frozen raw-JSON object, a number here.
  if (!isJsonObject(value)) {
    throw new DecodeError(path, undefined, `expected an object, got ${describe(value)}`);
  }
  return value;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw new DecodeError(path, undefined, `expected an array, got ${describe(value)}`);
  return value;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new DecodeError(path, undefined, `expected a string, got ${describe(value)}`);
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path) || undefined;
}

function expectUint32(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new DecodeError(path, undefined, `expected an integer in 0..${UINT32_MAX}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  const exact = exactIntegerText(value);
  if (exact !== undefined) return exact;
  return typeof value;
}
