import { exactIntegerText } from './exactIntegerText.ts';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * True for a parsed JSON object: not an array, not null, and not an integer beyond 2^53 kept as a
 * raw-JSON value (a frozen object too, see {@link exactIntegerText}).
 *
 * @example
 * ```ts
 * isJsonObject(JSON.parse('{"a":1}')); // true
 * ```
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    exactIntegerText(value) === undefined
  );
}
