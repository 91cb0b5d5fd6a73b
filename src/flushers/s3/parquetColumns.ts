import type { KeyValue, Log, LogGroup } from '../../protocol/LogGroup.ts';

/** The logs of one object, each run with the group it keeps its meta and tags from. */
export type GroupLogs = ReadonlyArray<{ readonly group: LogGroup; readonly logs: readonly Log[] }>;

/** The LogGroup meta fields, each a nullable string column (null when the group has none). */
export const META_COLUMNS = ['topic', 'source', 'machineUUID', 'category'] as const;

/** Every column a Parquet object always has, in order. */
export const FIXED_COLUMNS = [
  'time',
  'timeNs',
  'project',
  'logstore',
  ...META_COLUMNS,
  'tags',
  'contents',
] as const;

/** The most content keys `S3_PARQUET_COLUMNS` may name (a wide schema is a mistake, not a need). */
export const MAX_CONTENT_COLUMNS = 100;

/**
 * What is wrong with these content keys as column names, or `undefined`. Column names are
 * compared ignoring case, as Athena, Glue and DuckDB do.
 */
export function parquetColumnNamesProblem(keys: readonly string[]): string | undefined {
  if (keys.length > MAX_CONTENT_COLUMNS) return `names ${keys.length} keys; at most ${MAX_CONTENT_COLUMNS}`;
  const taken = new Set<string>(FIXED_COLUMNS.map((name) => name.toLowerCase()));
  for (const key of keys) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
    if (key === '' || /[\u0000-\u001f\u007f]/.test(key)) return `${JSON.stringify(key)} is not a column name`;
    if (taken.has(key.toLowerCase())) {
      return `"${key}" is already a column (${FIXED_COLUMNS.join(', ')}, or named twice; case is ignored)`;
    }
    taken.add(key.toLowerCase());
  }
  return undefined;
}

/**
 * A partition's logs as columns, one entry per log in partition order: what every Parquet writer
 * is given. Maps hold each key once, with its last value (the log line's view of a duplicated
 * key); a content key with its own column is left out of `contents`.
 */
export interface ParquetColumns {
  readonly rows: number;
  /** `Log.time` in Unix milliseconds (the `time` timestamp column: second precision, as the log's Time). */
  readonly timeMs: number[];
  /** `Log.Time_ns` as given, `null` when absent. */
  readonly timeNs: (number | null)[];
  readonly meta: Readonly<Record<(typeof META_COLUMNS)[number], (string | null)[]>>;
  readonly tags: (readonly KeyValue[])[];
  readonly contents: (readonly KeyValue[])[];
  /** One column per key of `contentColumns`, in that order: its last value, `null` when absent. */
  readonly contentColumns: (string | null)[][];
}

/**
 * Turn an object's logs into {@link ParquetColumns}. `contentColumns` names the content keys that
 * get their own string column.
 *
 * @example
 * ```ts
 * const columns = parquetColumns(partition.slices.map((s) => ({ group: s.group, logs: sliceLogs(s) })), ['status']);
 * columns.contentColumns[0]; // ['200', '404', null, …]
 * ```
 */
export function parquetColumns(groupLogs: GroupLogs, contentColumns: readonly string[]): ParquetColumns {
  const columns: ParquetColumns = {
    rows: 0,
    timeMs: [],
    timeNs: [],
    meta: { topic: [], source: [], machineUUID: [], category: [] },
    tags: [],
    contents: [],
    contentColumns: contentColumns.map(() => []),
  };
  const own = new Map(contentColumns.map((key, i) => [key, i]));
  const uniqueContents = lastValueWins();
  let rows = 0;
  for (const { group, logs } of groupLogs) {
    const tags = lastValueWins()(group.logTags);
    const meta = META_COLUMNS.map((name) => group[name] || null);
    for (const log of logs) {
      rows++;
      columns.timeMs.push(log.time * 1000);
      columns.timeNs.push(log.timeNs ?? null);
      META_COLUMNS.forEach((name, i) => {
        columns.meta[name].push(meta[i]!);
      });
      columns.tags.push(tags);
      const contents = uniqueContents(log.contents);
      if (own.size === 0) {
        columns.contents.push(contents);
        continue;
      }
      const values: (string | null)[] = contentColumns.map(() => null);
      const rest: KeyValue[] = [];
      for (const pair of contents) {
        const index = own.get(pair.key);
        if (index === undefined) rest.push(pair);
        else values[index] = pair.value;
      }
      columns.contents.push(rest);
      values.forEach((value, i) => {
        columns.contentColumns[i]!.push(value);
      });
    }
  }
  return { ...columns, rows };
}

/**
 * Pairs with each key once: at its first position, with its last value. A list of logs mostly
 * shares one key order (one parser wrote them): once an order is known to have no duplicate, lists
 * in that order are returned as they are, unchanged and uncopied.
 */
function lastValueWins(): (pairs: readonly KeyValue[]) => readonly KeyValue[] {
  let uniqueKeys: readonly string[] = [];
  return (pairs) => {
    if (sameKeys(pairs, uniqueKeys)) return pairs;
    const byKey = new Map<string, KeyValue>();
    for (const pair of pairs) {
      const seen = byKey.get(pair.key);
      byKey.set(pair.key, seen === undefined ? pair : { key: pair.key, value: pair.value });
    }
    if (byKey.size === pairs.length) {
      uniqueKeys = pairs.map((pair) => pair.key);
      return pairs;
    }
    return [...byKey.values()];
  };
}

function sameKeys(pairs: readonly KeyValue[], keys: readonly string[]): boolean {
  if (pairs.length !== keys.length) return false;
  for (let i = 0; i < pairs.length; i++) if (pairs[i]!.key !== keys[i]) return false;
  return true;
}
