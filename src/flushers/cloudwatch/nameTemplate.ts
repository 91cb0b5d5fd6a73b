import { createHash } from 'node:crypto';
import { ConfigError } from '../../errors.ts';
import {
  LOG_GROUP_NAME_CHARS,
  LOG_STREAM_FORBIDDEN_CHARS,
  MAX_LOG_NAME_LENGTH,
  RESERVED_LOG_GROUP_PREFIX,
} from './limits.ts';

/** The placeholders a name template may use. `{date}` is the event's UTC day, `YYYY-MM-DD`. */
export const TEMPLATE_PLACEHOLDERS = [
  'project',
  'logstore',
  'configName',
  'source',
  'topic',
  'date',
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** Values of the per-group placeholders (`{date}` comes from each event's timestamp). */
export type TemplateValues = Readonly<Record<Exclude<TemplatePlaceholder, 'date'>, string | undefined>>;

/** What a name is for: the two follow different AWS naming rules. */
export type LogNameKind = 'group' | 'stream';

/** A value that is absent or empty renders as this. */
export const EMPTY_VALUE = 'unknown';

/** A compiled CWL_LOG_GROUP / CWL_LOG_STREAM template. */
export interface NameTemplate {
  readonly template: string;
  /** Whether the name depends on the event's time (`{date}`), so events of one group may differ. */
  readonly usesDate: boolean;
  /** The sanitised name for these values (and this event time, for `{date}`). */
  render(values: TemplateValues, timestampMs: number): string;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
// Inside one placeholder value a '/' is replaced too, so a value cannot add path levels.
const INVALID_GROUP_VALUE_CHARS = /[^.\-_#A-Za-z0-9]/g;
const INVALID_STREAM_VALUE_CHARS = /[:*]/g;
const HASH_SUFFIX_LENGTH = 9; // '-' + 8 hex digits

/**
 * Compile a name template, checking at cold start what can be checked: only known placeholders,
 * and a literal text that already follows the AWS naming rules. Placeholder values are sanitised
 * when rendering: characters AWS does not allow become `_` (for log groups also `/`, so a value
 * stays one path level) with a short hash of the original appended, so distinct values stay
 * distinct; an absent or empty value renders as `unknown`; a name over 512 UTF-8 bytes is cut and
 * hashed the same way; a log group name that would start with `aws/` gets a leading `_`.
 *
 * @example
 * ```ts
 * const group = compileNameTemplate('/loggroup-flusher/{project}/{logstore}', 'group', 'CWL_LOG_GROUP');
 * group.render({ project: 'shop', logstore: 'nginx access', configName: 'c', source: undefined, topic: undefined }, 0);
 * // '/loggroup-flusher/shop/nginx_access-<8 hex>'
 * ```
 */
export function compileNameTemplate(template: string, kind: LogNameKind, variable: string): NameTemplate {
  if (template.trim() === '') throw new ConfigError(variable, 'the name template is empty');
  const parts: Array<{ literal: string } | { placeholder: TemplatePlaceholder }> = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new ConfigError(
        variable,
        `unknown placeholder {${name}}; known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
      );
    }
    parts.push({ literal: template.slice(last, match.index) });
    parts.push({ placeholder: name as TemplatePlaceholder });
    last = match.index + match[0].length;
  }
  parts.push({ literal: template.slice(last) });
  const literal = parts.map((p) => ('literal' in p ? p.literal : '')).join('');
  checkLiteral(literal, template, kind, variable);
  const usesDate = parts.some((p) => 'placeholder' in p && p.placeholder === 'date');
  return {
    template,
    usesDate,
    render(values, timestampMs) {
      let name = '';
      for (const part of parts) {
        if ('literal' in part) name += part.literal;
        else {
          const raw = part.placeholder === 'date' ? utcDay(timestampMs) : values[part.placeholder];
          name += sanitizeValue(raw, kind);
        }
      }
      return finishName(name, kind);
    },
  };
}

function checkLiteral(literal: string, template: string, kind: LogNameKind, variable: string): void {
  if (/[{}]/.test(literal)) throw new ConfigError(variable, `unbalanced brace in "${template}"`);
  if (kind === 'group') {
    if (literal !== '' && !LOG_GROUP_NAME_CHARS.test(literal)) {
      throw new ConfigError(variable, `log group names allow only [.-_/#A-Za-z0-9]; got "${template}"`);
    }
    if (template.startsWith(RESERVED_LOG_GROUP_PREFIX)) {
      throw new ConfigError(variable, `log group names may not start with "${RESERVED_LOG_GROUP_PREFIX}"`);
    }
  } else if (LOG_STREAM_FORBIDDEN_CHARS.test(literal)) {
    throw new ConfigError(variable, `log stream names may not contain ':' or '*'; got "${template}"`);
  }
  if (Buffer.byteLength(literal) > MAX_LOG_NAME_LENGTH) {
    throw new ConfigError(variable, `the literal part is longer than ${MAX_LOG_NAME_LENGTH} bytes`);
  }
}

/** One placeholder value, made safe for `kind`; changed values carry a hash of the original. */
export function sanitizeValue(raw: string | undefined, kind: LogNameKind): string {
  if (raw === undefined || raw === '') return EMPTY_VALUE;
  const cleaned = raw.replace(kind === 'group' ? INVALID_GROUP_VALUE_CHARS : INVALID_STREAM_VALUE_CHARS, '_');
  return cleaned === raw ? raw : `${cleaned}-${shortHash(raw)}`;
}

/** Whole-name rules: the reserved `aws/` prefix, and at most 512 UTF-8 bytes. */
function finishName(name: string, kind: LogNameKind): string {
  let result = kind === 'group' && name.startsWith(RESERVED_LOG_GROUP_PREFIX) ? `_${name}` : name;
  if (Buffer.byteLength(result) > MAX_LOG_NAME_LENGTH) {
    result = `${truncateUtf8(result, MAX_LOG_NAME_LENGTH - HASH_SUFFIX_LENGTH)}-${shortHash(name)}`;
  }
  return result;
}

function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    out += char;
  }
  return out;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function utcDay(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 10);
}
