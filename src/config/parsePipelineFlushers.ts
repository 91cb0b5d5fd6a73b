import type { FlusherMatch } from '../pipeline/PipelineFlusher.ts';
import { MAX_PIPELINE_FLUSHERS } from '../pipeline/validatePipelineFlushers.ts';
import type { FlusherKind } from './destinationFromEnv.ts';
import {
  FLUSHER_OPTIONS,
  FLUSHER_TYPE_NAMES,
  type FlusherTypeName,
  IGNORED_FLUSHER_OPTIONS,
  REFUSED_FLUSHER_OPTIONS,
} from './flusherTypes.ts';
import { parseFlusherMatch } from './parseFlusherMatch.ts';
import { describeValue, isMapping, scalarText } from './scalarText.ts';

/** Throws the ConfigError about `where` (`flushers[1] (search).RetentionDays`) in the pipeline file. */
export type PipelineFail = (where: string, detail: string) => never;

const FLUSHER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Keys of a flusher entry that are not options of its Type. */
const ENTRY_KEYS = ['Type', 'Name', 'Match'];

/** One flusher of a validated pipeline file, not built yet. */
export interface FlusherDescription {
  /** Unique in the pipeline: the `Name` given, or the default one. */
  readonly name: string;
  readonly type: FlusherTypeName;
  readonly kind: FlusherKind;
  /** The options given, keyed by the environment variable each stands for. */
  readonly settings: Readonly<Record<string, string>>;
  /** `undefined`: every LogGroup. */
  readonly match: FlusherMatch | undefined;
}

interface FlusherHead {
  readonly entry: Record<string, unknown>;
  readonly type: FlusherTypeName;
  readonly givenName: string | undefined;
}

/**
 * Validate the `flushers` list of a pipeline file: each Type known, each option known and a
 * scalar, names unique (given, or defaulted from the Type), matches well formed.
 *
 * @example
 * ```ts
 * parsePipelineFlushers([{ Type: 'flusher_stdout' }, { Type: 'flusher_stdout' }], fail)
 *   .map((flusher) => flusher.name); // ['flusher_stdout#1', 'flusher_stdout#2']
 * ```
 */
export function parsePipelineFlushers(value: unknown, fail: PipelineFail): FlusherDescription[] {
  if (!Array.isArray(value) || value.length === 0) {
    const got = Array.isArray(value) ? 'an empty list' : describeValue(value);
    return fail('flushers', `must be a non-empty list of flushers; got ${got}`);
  }
  if (value.length > MAX_PIPELINE_FLUSHERS) {
    fail('flushers', `at most ${MAX_PIPELINE_FLUSHERS} flushers; got ${value.length}`);
  }
  const heads = value.map((entry: unknown, index) => flusherHead(entry, index, fail));
  const names = flusherNames(heads, fail);
  return heads.map((head, index) => {
    const name = names[index]!;
    const where = (field: string) => `${label(index, name)}.${field}`;
    const kind = FLUSHER_TYPE_NAMES[head.type];
    return {
      name,
      type: head.type,
      kind,
      settings: flusherSettings(head, kind, where, fail),
      match: Object.hasOwn(head.entry, 'Match')
        ? parseFlusherMatch(head.entry.Match, (field, detail) => fail(where(field), detail))
        : undefined,
    };
  });
}

function label(index: number, name: string | undefined): string {
  return name === undefined ? `flushers[${index}]` : `flushers[${index}] (${name})`;
}

function flusherHead(entry: unknown, index: number, fail: PipelineFail): FlusherHead {
  if (!isMapping(entry))
    return fail(label(index, undefined), `must be a mapping; got ${describeValue(entry)}`);
  const hasName = Object.hasOwn(entry, 'Name');
  const name = typeof entry.Name === 'string' && FLUSHER_NAME.test(entry.Name) ? entry.Name : undefined;
  const where = (field: string) => `${label(index, name)}.${field}`;
  if (hasName && name === undefined) {
    fail(where('Name'), `must be 1 to 64 of A-Z a-z 0-9 _ . -; got ${describeValue(entry.Name)}`);
  }
  const type = entry.Type;
  if (typeof type !== 'string' || !Object.hasOwn(FLUSHER_TYPE_NAMES, type)) {
    fail(
      where('Type'),
      `${type === undefined ? 'is required' : `${describeValue(type)} has no equivalent here`}; ` +
        `supported: ${Object.keys(FLUSHER_TYPE_NAMES).join(', ')}`,
    );
  }
  return { entry, type: type as FlusherTypeName, givenName: name };
}

/** The given Names, else the Type, numbered (`flusher_s3#3`) when several flushers share it. */
function flusherNames(heads: readonly FlusherHead[], fail: PipelineFail): string[] {
  const typeCount = new Map<string, number>();
  for (const { type } of heads) typeCount.set(type, (typeCount.get(type) ?? 0) + 1);
  const names = heads.map(
    ({ type, givenName }, index) => givenName ?? (typeCount.get(type)! > 1 ? `${type}#${index + 1}` : type),
  );
  const firstIndex = new Map<string, number>();
  names.forEach((name, index) => {
    const other = firstIndex.get(name);
    if (other !== undefined) {
      const hint = heads[index]!.givenName === undefined ? ' (a default name: give this flusher a Name)' : '';
      fail(
        `${label(index, name)}.Name`,
        `"${name}" is also the name of flushers[${other}]; names must be unique${hint}`,
      );
    }
    firstIndex.set(name, index);
  });
  return names;
}

function flusherSettings(
  head: FlusherHead,
  kind: FlusherKind,
  where: (field: string) => string,
  fail: PipelineFail,
): Record<string, string> {
  const options: Readonly<Record<string, string>> = FLUSHER_OPTIONS[kind];
  const ignored = IGNORED_FLUSHER_OPTIONS[kind];
  const refused = REFUSED_FLUSHER_OPTIONS[kind];
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(head.entry)) {
    if (ENTRY_KEYS.includes(key) || ignored.includes(key)) continue;
    const variable = Object.hasOwn(options, key) ? options[key] : undefined;
    if (variable !== undefined) {
      settings[variable] =
        scalarText(value) ??
        fail(where(key), `must be a string, number or boolean; got ${describeValue(value)}`);
    } else if (Object.hasOwn(refused, key)) {
      fail(where(key), `not supported by ${head.type}: ${refused[key]}`);
    } else {
      const known = [...ENTRY_KEYS, ...Object.keys(options), ...ignored];
      const close = known.find((option) => option.toLowerCase() === key.toLowerCase());
      fail(
        where(key),
        `unknown option of ${head.type}${close === undefined ? '' : ` (did you mean ${close}?)`}; ` +
          `known: ${known.join(', ')}`,
      );
    }
  }
  return settings;
}
