import { ConfigError } from '../errors.ts';
import type { FlusherMatch, PipelineFlusher } from './PipelineFlusher.ts';

/** At most this many flushers in one pipeline: each one's calls run beside the others'. */
export const MAX_PIPELINE_FLUSHERS = 16;

/** What a pipeline flusher's name may be: it becomes a metric dimension value and a log field. */
const NAME = /^[A-Za-z0-9_.#:-]{1,64}$/;

const MATCH_FIELDS = ['project', 'logstore', 'configName', 'logstoreKey', 'tags'] as const;

/**
 * Check the `flushers` option up front: a non-empty list of at most {@link MAX_PIPELINE_FLUSHERS},
 * unique well-formed names, a flusher or factory each, and matches of strings or string lists.
 * Throws a ConfigError naming the flusher and field at fault.
 *
 * @example
 * ```ts
 * validatePipelineFlushers([{ name: 'archive', flusher: s3.flusher }]);
 * ```
 */
export function validatePipelineFlushers(flushers: unknown): readonly PipelineFlusher[] {
  if (!Array.isArray(flushers) || flushers.length === 0)
    throw new ConfigError('flushers', 'must be a non-empty list of pipeline flushers');
  if (flushers.length > MAX_PIPELINE_FLUSHERS)
    throw new ConfigError('flushers', `at most ${MAX_PIPELINE_FLUSHERS} flushers, got ${flushers.length}`);
  const names = new Set<string>();
  for (const [index, entry] of flushers.entries()) {
    const at = (field: string) => `flushers[${index}].${field}`;
    const { name, flusher, match } = (entry ?? {}) as Partial<PipelineFlusher>;
    if (typeof name !== 'string' || !NAME.test(name))
      throw new ConfigError(at('name'), 'must be 1-64 characters of letters, digits and _ . # : -');
    if (names.has(name)) throw new ConfigError(at('name'), `"${name}" is used twice`);
    names.add(name);
    if (typeof flusher !== 'object' && typeof flusher !== 'function')
      throw new ConfigError(at('flusher'), 'a Flusher or a factory returning one is required');
    if (match !== undefined) validateMatch(match, at('match'));
  }
  return flushers as PipelineFlusher[];
}

function validateMatch(match: FlusherMatch, at: string): void {
  if (typeof match !== 'object' || match === null || Array.isArray(match))
    throw new ConfigError(at, 'must be an object');
  for (const [field, value] of Object.entries(match)) {
    if (!(MATCH_FIELDS as readonly string[]).includes(field))
      throw new ConfigError(`${at}.${field}`, `unknown match field; one of ${MATCH_FIELDS.join(', ')}`);
    if (field !== 'tags') {
      matchValue(value, `${at}.${field}`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ConfigError(`${at}.tags`, 'must map tag keys to a value or a list of values');
    for (const [key, wanted] of Object.entries(value)) matchValue(wanted, `${at}.tags.${key}`);
  }
}

function matchValue(value: unknown, at: string): void {
  const ok =
    typeof value === 'string' ||
    (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'));
  if (!ok) throw new ConfigError(at, 'must be a string or a non-empty list of strings');
}
