import type { KeyValue, LogGroup } from '../../protocol/LogGroup.ts';
import { safePathSegment } from '../../shared/safePathSegment.ts';
import { SECONDS_PER_HOUR } from './partitionByHour.ts';

/** Today's layout, and the default: `<project>/<logstore>/dt=YYYY-MM-DD/hour=HH/`. */
export const DEFAULT_KEY_TEMPLATE = '{project}/{logstore}/dt={dt}/hour={hour}/';

/** What a field whose log has no such value renders as (`~` never survives from a real value). */
export const MISSING_VALUE = '~missing';
/** What the log fields of logs beyond a flush's partition limit render as (see `maxPartitions`). */
export const OVERFLOW_VALUE = '~other';

/** The routing of a flush, as the template's routing fields see it. */
export interface KeyRoute {
  readonly project: string;
  readonly logstore: string;
  readonly configName: string;
  readonly logstoreKey: string;
}

const ROUTE_FIELDS = ['project', 'logstore', 'configName', 'logstoreKey'] as const;
const META_FIELDS = ['topic', 'source', 'category', 'machineUUID'] as const;
/** UTC parts of the log's time, from its ISO 8601 text: [start, end) of each. */
const TIME_FIELDS = { dt: [0, 10], year: [0, 4], month: [5, 7], day: [8, 10], hour: [11, 13] } as const;
/** How {@link KeyTemplate.describe} shows each time field. */
const TIME_PATTERNS = { dt: 'YYYY-MM-DD', year: 'YYYY', month: 'MM', day: 'DD', hour: 'HH' } as const;

type Part =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'route'; readonly name: (typeof ROUTE_FIELDS)[number] }
  | { readonly kind: 'time'; readonly name: keyof typeof TIME_FIELDS }
  | { readonly kind: 'meta'; readonly name: (typeof META_FIELDS)[number] }
  | { readonly kind: 'tag' | 'content'; readonly name: string };

/** The longest a field renders: a safePathSegment of a long value, 128 characters + `~` + an 8-digit hash. */
const MAX_FIELD_BYTES = 137;
/** The object's name after the template: the 32 hex digits of its id and the longest extension (`.jsonl.zst`). */
export const MAX_OBJECT_NAME_BYTES = 32 + '.jsonl.zst'.length;

/** The finest thing a template's fields depend on: the flush and hour, each group, or each log. */
export const KeyLevel = { hour: 'hour', group: 'group', log: 'log' } as const;
export type KeyLevel = (typeof KeyLevel)[keyof typeof KeyLevel];

/**
 * A parsed `S3_KEY_TEMPLATE`: literal text and `{field}`s, where a field is a routing value
 * (`project`, `logstore`, `configName`, `logstoreKey`), a part of the log's UTC time (`dt` =
 * YYYY-MM-DD, `year`, `month`, `day`, `hour`), a LogGroup field (`topic`, `source`, `category`,
 * `machineUUID`, `tags.NAME`) or a log's content (`contents.NAME`; the last value of a duplicated
 * key, as in the log line). Every value is made safe as a path segment; one the log lacks renders
 * as `~missing`.
 */
export class KeyTemplate {
  readonly text: string;
  readonly level: KeyLevel;
  readonly #parts: readonly Part[];
  /** The group and log fields, in template order: what {@link values} renders. */
  readonly #logFields: readonly Part[];

  private constructor(text: string, parts: readonly Part[]) {
    this.text = text;
    this.#parts = parts;
    this.#logFields = parts.filter((part) => ['meta', 'tag', 'content'].includes(part.kind));
    this.level = this.#logFields.some((part) => part.kind === 'content')
      ? KeyLevel.log
      : this.#logFields.length > 0
        ? KeyLevel.group
        : KeyLevel.hour;
  }

  /**
   * Parse and check a template: balanced braces, known fields, no leading `/`, a trailing `/`, no
   * empty, `.` or `..` folder, no control character. Throws an Error saying what is wrong.
   *
   * @example
   * ```ts
   * const template = KeyTemplate.parse('{project}/{logstore}/{contents.status}/dt={dt}/hour={hour}/');
   * template.level; // 'log'
   * ```
   */
  static parse(text: string): KeyTemplate {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
    if (/[\u0000-\u001f\u007f]/.test(text)) throw new Error('must not contain control characters');
    if (text.startsWith('/')) throw new Error('must not start with "/" (S3 keys have no leading slash)');
    if (!text.endsWith('/')) throw new Error('must end with "/": the object names follow it');
    const parts: Part[] = [];
    for (let at = 0; at < text.length; ) {
      const open = text.indexOf('{', at);
      const close = text.indexOf('}', at);
      if (close >= 0 && (open < 0 || close < open)) throw new Error(`"}" at ${close} closes no "{"`);
      if (open < 0) {
        parts.push({ kind: 'literal', text: text.slice(at) });
        break;
      }
      if (open > at) parts.push({ kind: 'literal', text: text.slice(at, open) });
      const end = text.indexOf('}', open);
      const nested = text.indexOf('{', open + 1);
      if (end < 0 || (nested >= 0 && nested < end)) throw new Error(`"{" at ${open} is not closed`);
      parts.push(field(text.slice(open + 1, end)));
      at = end + 1;
    }
    for (const segment of literalSegments(parts)) {
      if (segment === '' || segment === '.' || segment === '..') {
        throw new Error(`has an empty, "." or ".." folder ("${segment}")`);
      }
    }
    return new KeyTemplate(text, parts);
  }

  /**
   * The layout for people: fields as `<name>`, time fields as their pattern. The default template
   * reads `<project>/<logstore>/dt=YYYY-MM-DD/hour=HH/`.
   */
  describe(): string {
    return this.#parts
      .map((part) =>
        part.kind === 'literal'
          ? part.text
          : part.kind === 'time'
            ? TIME_PATTERNS[part.name]
            : `<${part.kind === 'tag' ? 'tags.' : part.kind === 'content' ? 'contents.' : ''}${part.name}>`,
      )
      .join('');
  }

  /** The longest the template renders, in UTF-8 bytes. */
  get maxBytes(): number {
    return this.#parts.reduce(
      (sum, part) =>
        sum +
        (part.kind === 'literal'
          ? Buffer.byteLength(part.text)
          : part.kind === 'time'
            ? TIME_FIELDS[part.name][1] - TIME_FIELDS[part.name][0]
            : MAX_FIELD_BYTES),
      0,
    );
  }

  /**
   * The rendered group and log fields of a log (`contents` may be left out below level `log`),
   * joined by `/`: the values that tell its partitions apart within an hour.
   */
  values(group: LogGroup, contents: readonly KeyValue[] | undefined): string {
    return this.#logFields
      .map((part) => {
        const value =
          part.kind === 'meta'
            ? group[part.name] || undefined
            : lastValue(
                part.kind === 'tag' ? group.logTags : (contents ?? []),
                (part as { name: string }).name,
              );
        return value === undefined ? MISSING_VALUE : safePathSegment(value);
      })
      .join('/');
  }

  /** What {@link values} gives for logs beyond the partition limit. */
  get overflowValues(): string {
    return this.#logFields.map(() => OVERFLOW_VALUE).join('/');
  }

  /**
   * The folder of a partition: the template rendered for the flush's route, the hour (hours since
   * the Unix epoch) and the log fields' `values`.
   *
   * @example
   * ```ts
   * KeyTemplate.parse(DEFAULT_KEY_TEMPLATE).render(route, 473_000, '');
   * // 'shop/nginx/dt=2023-12-17/hour=08/'
   * ```
   */
  render(route: KeyRoute, hour: number, values: string): string {
    const iso = new Date(hour * SECONDS_PER_HOUR * 1000).toISOString();
    const logValues = values === '' ? [] : values.split('/');
    let next = 0;
    let out = '';
    for (const part of this.#parts) {
      if (part.kind === 'literal') out += part.text;
      else if (part.kind === 'route') out += safePathSegment(route[part.name]);
      else if (part.kind === 'time') out += iso.slice(...TIME_FIELDS[part.name]);
      else out += logValues[next++];
    }
    return out;
  }
}

function field(name: string): Part {
  if ((ROUTE_FIELDS as readonly string[]).includes(name)) return { kind: 'route', name } as Part;
  if (Object.hasOwn(TIME_FIELDS, name)) return { kind: 'time', name } as Part;
  if ((META_FIELDS as readonly string[]).includes(name)) return { kind: 'meta', name } as Part;
  for (const [prefix, kind] of [
    ['tags.', 'tag'],
    ['contents.', 'content'],
  ] as const) {
    if (name.startsWith(prefix) && name.length > prefix.length)
      return { kind, name: name.slice(prefix.length) };
  }
  const known = [...ROUTE_FIELDS, ...META_FIELDS, ...Object.keys(TIME_FIELDS), 'tags.NAME', 'contents.NAME'];
  throw new Error(`unknown field {${name}}; known: ${known.join(', ')}`);
}

/** The folders of the template made of literal text only (a field never renders empty, `.` or `..`). */
function literalSegments(parts: readonly Part[]): string[] {
  const segments: string[] = [];
  let current = '';
  let literal = true;
  for (const part of parts) {
    const pieces = part.kind === 'literal' ? part.text.split('/') : [undefined];
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (literal) segments.push(current);
        current = '';
        literal = true;
      }
      if (piece === undefined) literal = false;
      else current += piece;
    });
  }
  return segments;
}

/** The last value of `key` among `pairs` (the log line's view of a duplicated key), if any. */
function lastValue(pairs: readonly KeyValue[], key: string): string | undefined {
  for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i]!.key === key) return pairs[i]!.value;
  return undefined;
}
