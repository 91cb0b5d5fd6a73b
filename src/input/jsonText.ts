import { DecodeError } from '../errors.ts';
import { bufferView } from '../shared/bufferView.ts';
import { exactIntegerText } from '../shared/exactIntegerText.ts';

// `JSON.rawJSON` (V8 11.4+, Node 22) is not in TypeScript's ES2023 lib yet.
const json = JSON as unknown as { rawJSON?: (text: string) => unknown };
type ReviverContext = { source?: string } | undefined;

/** A run of 16 digits may be an integer beyond 2^53; only then is the slower exact parse used. */
const MAYBE_UNSAFE_INTEGER = /\d{16}/;
const INTEGER_TEXT = /^-?\d+$/;
const BOM = 0xfeff;

/** True when the first byte after an optional UTF-8 BOM and JSON whitespace is `{` or `[`. */
export function looksLikeJsonText(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  )
    i++;
  return bytes[i] === 0x7b || bytes[i] === 0x5b;
}

/** UTF-8 text of a payload without its BOM; invalid sequences become U+FFFD, as in the protobuf codec. */
export function utf8Text(bytes: Uint8Array): string {
  const text = bufferView(bytes).toString('utf8');
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/**
 * `JSON.parse` with two changes: a syntax error becomes a {@link DecodeError} whose message holds
 * no payload text (V8 quotes the input in its messages), and integers beyond 2^53 keep their exact
 * digits as `JSON.rawJSON` values (nanosecond timestamps need all 19).
 */
export function parseJsonText(text: string, path = '$'): unknown {
  try {
    if (json.rawJSON !== undefined && MAYBE_UNSAFE_INTEGER.test(text))
      return JSON.parse(text, keepExactIntegers);
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new DecodeError(path, undefined, syntaxDetail(error), { cause: error });
    // The reviver walk recurses: a deeply nested document overflows the stack.
    if (error instanceof RangeError)
      throw new DecodeError(path, undefined, 'JSON nested too deeply', { cause: error });
    throw error;
  }
}

function keepExactIntegers(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && INTEGER_TEXT.test(source) ? json.rawJSON!(source) : value;
}

function syntaxDetail(error: SyntaxError): string {
  const message = error.message;
  const position = /at position (\d+)/.exec(message)?.[1];
  const what = /^Unexpected end/.test(message)
    ? 'unexpected end of input'
    : /^Unterminated string/.test(message)
      ? 'unterminated string'
      : /non-whitespace character after JSON/.test(message)
        ? 'unexpected data after the JSON value'
        : /control character/i.test(message)
          ? 'control character inside a string'
          : /^Expected/.test(message)
            ? 'unexpected character'
            : /^Unexpected token/.test(message)
              ? 'unexpected character'
              : 'syntax error';
  return `invalid JSON: ${what}${position === undefined ? '' : ` at position ${position}`}`;
}

/**
 * A JSON value as a content or tag string: strings as they are, anything else as compact JSON
 * text (numbers, `true`, `null`, nested objects), exact integers with all their digits.
 */
export function jsonToText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  const exact = exactIntegerText(value);
  if (exact !== undefined) return exact;
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify recurses: a value nested thousands deep overflows the stack.
    throw new DecodeError(path, undefined, 'value nested too deeply', { cause: error });
  }
}

/** A type name for messages: never the value itself. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (exactIntegerText(value) !== undefined) return 'a number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
