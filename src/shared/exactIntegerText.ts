// `JSON.isRawJSON` (V8 11.4+, Node 22) is not in TypeScript's ES2023 lib yet.
const json = JSON as unknown as { isRawJSON?: (value: unknown) => boolean };

/**
 * The exact digits of an integer that JSON parsing kept as `JSON.rawJSON` (one beyond 2^53, see
 * src/input/jsonText.ts), or undefined for any other value. Such a value is a frozen object, so
 * every check for "an object" in parsed JSON must rule it out first.
 *
 * @example
 * ```ts
 * exactIntegerText(JSON.rawJSON('12345678901234567890')); // '12345678901234567890'
 * ```
 */
export function exactIntegerText(value: unknown): string | undefined {
  return json.isRawJSON?.(value) ? (value as { rawJSON: string }).rawJSON : undefined;
}
