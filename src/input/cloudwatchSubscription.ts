import { DecodeError, UnsupportedFormatError } from '../errors.ts';
import { type KeyValue, type Log, type LogGroup, UINT32_MAX } from '../protocol/LogGroup.ts';
import { isJsonObject, type JsonObject } from '../shared/isJsonObject.ts';
import { quotePrefix } from './describeBytes.ts';
import { jsonToText, jsonType } from './jsonText.ts';

/** `messageType` values of CloudWatch Logs subscription payloads. */
export const CloudWatchMessageType = { data: 'DATA_MESSAGE', control: 'CONTROL_MESSAGE' } as const;

/** Tag keys carrying the subscription's envelope fields (see the README's "Input formats"). */
export const CloudWatchTag = {
  owner: 'cloudwatch.owner',
  subscriptionFilter: 'cloudwatch.subscriptionFilter',
  policyLevel: 'cloudwatch.policyLevel',
} as const;

const MS_PER_SECOND = 1000;
const NS_PER_MS = 1_000_000;
const EXTRACTED_FIELD_PREFIX = 'extractedFields.';

/** True for a JSON object shaped like a subscription payload: a string `messageType` and a `logEvents` array. */
export function isCloudWatchMessage(value: JsonObject): boolean {
  return typeof value.messageType === 'string' && Array.isArray(value.logEvents);
}

/**
 * Map a parsed CloudWatch Logs subscription payload to LogGroups. `DATA_MESSAGE` → one LogGroup
 * (topic = logGroup, source = logStream, tags for owner / filters / policy level), one Log per
 * event (`message`, `id`, then `extractedFields.*`). `CONTROL_MESSAGE` → `control: true`, no groups.
 *
 * @example
 * ```ts
 * const { groups, control } = decodeCloudWatchSubscription(JSON.parse(gunzipSync(data).toString()));
 * ```
 */
export function decodeCloudWatchSubscription(value: unknown): { groups: LogGroup[]; control: boolean } {
  if (!isJsonObject(value)) {
    throw new DecodeError(
      '$',
      undefined,
      `expected a CloudWatch Logs subscription object, got ${jsonType(value)}`,
    );
  }
  const messageType = expectString(value.messageType, 'messageType');
  if (messageType === CloudWatchMessageType.control) return { groups: [], control: true };
  if (messageType !== CloudWatchMessageType.data) {
    throw new UnsupportedFormatError(`unknown CloudWatch Logs messageType ${quotePrefix(messageType)}`);
  }
  const logGroup = expectString(value.logGroup, 'logGroup');
  const logStream = expectString(value.logStream, 'logStream');
  const logs = expectArray(value.logEvents, 'logEvents').map((event, i) =>
    readEvent(event, `logEvents[${i}]`),
  );
  if (logs.length === 0) return { groups: [], control: false };
  const logTags: KeyValue[] = [];
  if (value.owner !== undefined)
    logTags.push({ key: CloudWatchTag.owner, value: expectString(value.owner, 'owner') });
  if (value.subscriptionFilters !== undefined) {
    expectArray(value.subscriptionFilters, 'subscriptionFilters').forEach((name, i) => {
      logTags.push({
        key: CloudWatchTag.subscriptionFilter,
        value: expectString(name, `subscriptionFilters[${i}]`),
      });
    });
  }
  if (value.policyLevel !== undefined) {
    logTags.push({ key: CloudWatchTag.policyLevel, value: expectString(value.policyLevel, 'policyLevel') });
  }
  const group: LogGroup = {
    logs,
    category: undefined,
    topic: logGroup || undefined,
    source: logStream || undefined,
    machineUUID: undefined,
    logTags,
  };
  return { groups: [group], control: false };
}

function readEvent(value: unknown, path: string): Log {
  if (!isJsonObject(value))
    throw new DecodeError(path, undefined, `expected an object, got ${jsonType(value)}`);
  const timestamp = value.timestamp;
  if (
    typeof timestamp !== 'number' ||
    !Number.isInteger(timestamp) ||
    timestamp < 0 ||
    timestamp / MS_PER_SECOND >= UINT32_MAX + 1
  ) {
    throw new DecodeError(
      `${path}.timestamp`,
      undefined,
      `expected Unix milliseconds within the uint32 seconds range, got ${typeof timestamp === 'number' ? timestamp : jsonType(timestamp)}`,
    );
  }
  const contents: KeyValue[] = [
    { key: 'message', value: expectString(value.message, `${path}.message`) },
    { key: 'id', value: expectString(value.id, `${path}.id`) },
  ];
  if (value.extractedFields !== undefined && value.extractedFields !== null) {
    if (!isJsonObject(value.extractedFields)) {
      throw new DecodeError(
        `${path}.extractedFields`,
        undefined,
        `expected an object, got ${jsonType(value.extractedFields)}`,
      );
    }
    let index = 0;
    for (const [name, field] of Object.entries(value.extractedFields)) {
      contents.push({
        key: `${EXTRACTED_FIELD_PREFIX}${name}`,
        value: jsonToText(field, `${path}.extractedFields[${index++}]`),
      });
    }
  }
  return {
    time: Math.floor(timestamp / MS_PER_SECOND),
    timeNs: (timestamp % MS_PER_SECOND) * NS_PER_MS,
    contents,
  };
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new DecodeError(path, undefined, `expected a string, got ${jsonType(value)}`);
  return value;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw new DecodeError(path, undefined, `expected an array, got ${jsonType(value)}`);
  return value;
}
