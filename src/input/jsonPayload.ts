import { DecodeError, UnsupportedFormatError } from '../errors.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { decodeLogGroupListJson } from '../protocol/logGroupJson.ts';
import { isJsonObject } from '../shared/isJsonObject.ts';
import { decodeCloudWatchSubscription, isCloudWatchMessage } from './cloudwatchSubscription.ts';
import {
  ConverterShape,
  decodeConverterLines,
  decodeConverterValue,
  isConverterObject,
  startsWithJsonObjectLine,
} from './converterJson.ts';
import { jsonType, parseJsonText, utf8Text } from './jsonText.ts';

/** Which JSON payloads a caller accepts: one kind when the format is forced, all with `auto`. */
export const JsonKind = {
  any: 'auto',
  logGroupJson: 'json',
  converter: 'converter-json',
  cloudwatch: 'cloudwatch-subscription',
} as const;
export type JsonKind = (typeof JsonKind)[keyof typeof JsonKind];

/** A decoded JSON payload; `format` is `json`, `cloudwatch-subscription` or `converter-json:<shape>`. */
export interface JsonPayload {
  groups: LogGroup[];
  format: string;
  control: boolean;
}

/**
 * Decode JSON text: the JSON form (`{"groups":[..]}`), a CloudWatch Logs subscription message,
 * or converter JSON (one object, an array of objects, or `jsonline`: one object per line).
 * With `kind` = `auto` the shape of the parsed value decides; otherwise only that kind is tried.
 *
 * @example
 * ```ts
 * const { groups, format } = decodeJsonPayload(Buffer.from('{"groups":[]}'), 'auto');
 * ```
 */
export function decodeJsonPayload(bytes: Uint8Array, kind: JsonKind): JsonPayload {
  const text = utf8Text(bytes);
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (error) {
    // Several objects, one per line, are not one JSON document: a jsonline body.
    const linesAllowed = kind === JsonKind.any || kind === JsonKind.converter;
    if (error instanceof DecodeError && linesAllowed && startsWithJsonObjectLine(text)) {
      return converter(decodeConverterLines(text), ConverterShape.jsonline);
    }
    throw error;
  }
  switch (kind) {
    case JsonKind.logGroupJson:
      return { groups: decodeLogGroupListJson(value), format: JsonKind.logGroupJson, control: false };
    case JsonKind.cloudwatch:
      return { ...decodeCloudWatchSubscription(value), format: JsonKind.cloudwatch };
    case JsonKind.converter: {
      const { groups, shape } = decodeConverterValue(value);
      return converter(groups, shape);
    }
    default:
      return decodeDetected(value);
  }
}

function decodeDetected(value: unknown): JsonPayload {
  if (Array.isArray(value)) {
    const { groups, shape } = decodeConverterValue(value);
    return converter(groups, shape);
  }
  if (!isJsonObject(value)) {
    throw new UnsupportedFormatError(
      `JSON payload is ${jsonType(value)}, not an object or an array of objects`,
    );
  }
  if (isCloudWatchMessage(value))
    return { ...decodeCloudWatchSubscription(value), format: JsonKind.cloudwatch };
  if (isConverterObject(value)) {
    const { groups, shape } = decodeConverterValue(value);
    return converter(groups, shape);
  }
  if (Object.hasOwn(value, 'groups')) {
    return { groups: decodeLogGroupListJson(value), format: JsonKind.logGroupJson, control: false };
  }
  throw new UnsupportedFormatError(
    'JSON object is not a known payload: expected "groups" (JSON form), "messageType" and "logEvents" (CloudWatch Logs subscription), or "time"/"__time__"/"contents" (converter JSON)',
  );
}

function converter(groups: LogGroup[], shape: ConverterShape): JsonPayload {
  return { groups, format: `${JsonKind.converter}:${shape}`, control: false };
}
