/** Where a JSON text goes wrong: 1-based line and column, and what is wrong there. */
export interface JsonErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

class Stop extends Error {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Find the first syntax error of a JSON text (one `JSON.parse` refused). V8's messages give a
 * position for some mistakes only (`Unexpected token 'x', "…" is not valid JSON` quotes the text
 * instead), so the text is scanned again here, by the RFC 8259 grammar, to name the line and column.
 * Returns `undefined` if the scan finds nothing wrong.
 *
 * @example
 * ```ts
 * locateJsonError('{\n  "a": x\n}'); // { line: 2, column: 8, problem: "unexpected 'x'" }
 * ```
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const fail = (problem: string, at = i): never => {
    throw new Stop(at, problem);
  };
  const unexpected = (): never =>
    i >= text.length ? fail('unexpected end of file') : fail(`unexpected ${JSON.stringify(text[i])}`);
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const escaped = text[i + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
          continue;
        }
        if (escaped === undefined || !ESCAPES.has(escaped)) fail('invalid escape in a string');
        i += 2;
        continue;
      }
      if (c!.charCodeAt(0) < 0x20) fail('control character in a string (write it escaped)');
      i++;
    }
  };
  /** An object's or array's items up to `close`, commas between; `i` is at the opening bracket. */
  const items = (close: '}' | ']', what: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      space();
      item();
      space();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(i >= text.length ? 'unexpected end of file' : `expected ',' or '${close}' after ${what}`);
    }
  };
  const value = (depth: number): void => {
    if (depth > 1_000) fail('nested more than 1000 levels deep');
    const c = text[i];
    if (c === '{') {
      items('}', 'a property value', () => {
        if (text[i] !== '"')
          fail(i >= text.length ? 'unexpected end of file' : 'expected a property name in double quotes');
        string();
        space();
        if (text[i] !== ':')
          fail(i >= text.length ? 'unexpected end of file' : "expected ':' after the property name");
        i++;
        space();
        value(depth + 1);
      });
      return;
    }
    if (c === '[') {
      items(']', 'an array element', () => value(depth + 1));
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-0-9]/.test(c) && NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    unexpected();
  };
  try {
    space();
    value(0);
    space();
    if (i < text.length) fail('unexpected text after the JSON value');
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) return undefined;
    const before = text.slice(0, error.position);
    const line = before.split('\n').length;
    const column = error.position - (before.lastIndexOf('\n') + 1) + 1;
    return { line, column, problem: error.problem };
  }
}
