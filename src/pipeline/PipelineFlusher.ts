import type { KeyValue } from '../protocol/LogGroup.ts';
import type { FlusherSource } from '../runtime/FlusherHolder.ts';
import type { Destination } from '../runtime/routing.ts';

/** One accepted value, or any of several. */
export type MatchValue = string | readonly string[];

/**
 * Which LogGroups a pipeline flusher takes. Every field given must match (AND); a field left out
 * matches anything; a list matches any of its values. `tags` are LogGroup tags (LoongCollector's
 * `Match: {Type: tag, Key, Value}` is one entry of it). An empty match takes everything.
 */
export interface FlusherMatch {
  readonly project?: MatchValue;
  readonly logstore?: MatchValue;
  readonly configName?: MatchValue;
  readonly logstoreKey?: MatchValue;
  readonly tags?: Readonly<Record<string, MatchValue>>;
}

/**
 * One flusher of a pipeline: acked, retried, made ready, urgent and stopped on its own.
 *
 * @example
 * ```ts
 * const archive: PipelineFlusher = { name: 'archive', flusher: s3.flusher };
 * const search: PipelineFlusher = { name: 'search', flusher: cwl, match: { logstore: ['nginx', 'app'] } };
 * ```
 */
export interface PipelineFlusher {
  /** Unique within the pipeline: names it in logs, metrics (dimension `flusher`) and quarantine entries. */
  readonly name: string;
  /** The flusher, or (preferred) a factory making one; see {@link FlusherSource}. */
  readonly flusher: FlusherSource;
  /** Default: every LogGroup. */
  readonly match?: FlusherMatch | undefined;
}

/** Whether a LogGroup bound for `destination` with these tags goes to the flusher. */
export function matches(
  match: FlusherMatch | undefined,
  destination: Destination,
  tags: readonly KeyValue[],
): boolean {
  if (match === undefined) return true;
  if (!accepts(match.project, destination.project)) return false;
  if (!accepts(match.logstore, destination.logstore)) return false;
  if (!accepts(match.configName, destination.configName)) return false;
  if (!accepts(match.logstoreKey, destination.logstoreKey)) return false;
  if (match.tags !== undefined) {
    for (const [key, wanted] of Object.entries(match.tags)) {
      if (!tags.some((tag) => tag.key === key && accepts(wanted, tag.value))) return false;
    }
  }
  return true;
}

function accepts(wanted: MatchValue | undefined, value: string): boolean {
  if (wanted === undefined) return true;
  return typeof wanted === 'string' ? wanted === value : wanted.includes(value);
}
