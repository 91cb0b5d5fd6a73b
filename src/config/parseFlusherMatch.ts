import type { FlusherMatch, MatchValue } from '../pipeline/PipelineFlusher.ts';
import { describeValue, isMapping, scalarText } from './scalarText.ts';

/** Throws the ConfigError about `field` (`Match.Logstore`) of the flusher being read. */
export type MatchFail = (field: string, detail: string) => never;

const MATCH_FIELDS = {
  Project: 'project',
  Logstore: 'logstore',
  ConfigName: 'configName',
  LogstoreKey: 'logstoreKey',
} as const;

const ROUTE_FIELDS = ['Type', 'Key', 'Value'];

type MutableMatch = { -readonly [K in keyof FlusherMatch]: FlusherMatch[K] };

/**
 * Read a pipeline flusher's `Match`, in either syntax: ours (`Project`, `Logstore`, `ConfigName`,
 * `LogstoreKey`, `Tags`; each a string or a list of strings) or LoongCollector's route
 * (`Type: tag` with `Key` and `Value`; `Type: event_type` with `Value: log`). `undefined` means
 * every LogGroup.
 *
 * @example
 * ```ts
 * parseFlusherMatch({ Type: 'tag', Key: 'env', Value: 'dev' }, fail); // { tags: { env: 'dev' } }
 * parseFlusherMatch({ Logstore: ['nginx', 'app'] }, fail); // { logstore: ['nginx', 'app'] }
 * ```
 */
export function parseFlusherMatch(value: unknown, fail: MatchFail): FlusherMatch | undefined {
  if (!isMapping(value)) return fail('Match', `must be a mapping; got ${describeValue(value)}`);
  return Object.hasOwn(value, 'Type') ? routeMatch(value, fail) : fieldMatch(value, fail);
}

function routeMatch(route: Record<string, unknown>, fail: MatchFail): FlusherMatch | undefined {
  for (const key of Object.keys(route)) {
    if (!ROUTE_FIELDS.includes(key)) {
      fail(`Match.${key}`, `unknown field; a route with Type takes only ${ROUTE_FIELDS.join(', ')}`);
    }
  }
  const text = (field: string): string => {
    const value = scalarText(route[field]);
    if (value === undefined || value === '') {
      return fail(`Match.${field}`, `must be a non-empty string; got ${describeValue(route[field])}`);
    }
    return value;
  };
  const type = text('Type');
  if (type === 'tag') return { tags: { [text('Key')]: text('Value') } };
  if (type !== 'event_type')
    return fail('Match.Type', `must be tag or event_type; got ${describeValue(type)}`);
  if (Object.hasOwn(route, 'Key')) fail('Match.Key', 'an event_type route takes no Key');
  const eventType = text('Value');
  if (eventType === 'log') return undefined;
  if (eventType === 'metric' || eventType === 'trace') {
    return fail(
      'Match.Value',
      `only log events flow through this pipeline, so ${eventType} would match nothing`,
    );
  }
  return fail('Match.Value', `must be log, metric or trace; got ${describeValue(eventType)}`);
}

function fieldMatch(fields: Record<string, unknown>, fail: MatchFail): FlusherMatch {
  const match: MutableMatch = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'Tags') {
      match.tags = tagsMatch(value, fail);
    } else if (Object.hasOwn(MATCH_FIELDS, key)) {
      match[MATCH_FIELDS[key as keyof typeof MATCH_FIELDS]] = matchValue(value, `Match.${key}`, fail);
    } else {
      const known = [...Object.keys(MATCH_FIELDS), 'Tags', 'Type'];
      fail(`Match.${key}`, `unknown field; known: ${known.join(', ')}`);
    }
  }
  return match;
}

function tagsMatch(value: unknown, fail: MatchFail): Readonly<Record<string, MatchValue>> {
  if (!isMapping(value)) {
    return fail('Match.Tags', `must be a mapping of tag key to value(s); got ${describeValue(value)}`);
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, wanted]) => [key, matchValue(wanted, `Match.Tags.${key}`, fail)]),
  );
}

function matchValue(value: unknown, field: string, fail: MatchFail): MatchValue {
  if (!Array.isArray(value)) {
    return (
      scalarText(value) ?? fail(field, `must be a string or a list of strings; got ${describeValue(value)}`)
    );
  }
  if (value.length === 0) fail(field, 'an empty list matches nothing; leave the field out to match anything');
  return value.map(
    (item: unknown, index) =>
      scalarText(item) ?? fail(`${field}[${index}]`, `must be a string; got ${describeValue(item)}`),
  );
}
