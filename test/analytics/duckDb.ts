// DuckDB (@duckdb/node-api, its parquet and json readers built in) as the independent reader of
// what the S3 flusher writes, and the rows it should find, derived straight from the input logs.
import { DuckDBInstance } from '@duckdb/node-api';
import type { KeyValue, Log, LogGroup } from '../../src/protocol/LogGroup.ts';

/** One log as a query sees it: maps as [key, value] entries sorted by key (maps have no order). */
export interface LogRow {
  readonly time: number;
  readonly timeNs: number | null;
  readonly project: string;
  readonly logstore: string;
  readonly topic: string | null;
  readonly source: string | null;
  readonly machineUUID: string | null;
  readonly category: string | null;
  readonly tags: readonly (readonly [string, string])[];
  readonly contents: readonly (readonly [string, string])[];
  /** The content keys with their own Parquet column: value, or null when the log lacks the key. */
  readonly columns: Readonly<Record<string, string | null>>;
}

/** The logs of one object, with the group each came from. */
export type ObjectLogs = ReadonlyArray<{ readonly group: LogGroup; readonly logs: readonly Log[] }>;

/**
 * The rows a reader must find for these logs: the last value of a duplicated key (the log line's
 * view), no meta field that is empty, content keys with their own column out of `contents`.
 */
export function expectedRows(
  objectLogs: ObjectLogs,
  project: string,
  logstore: string,
  contentColumns: readonly string[] = [],
): LogRow[] {
  return objectLogs.flatMap(({ group, logs }) =>
    logs.map((log) => {
      const contents = new Map(log.contents.map(({ key, value }) => [key, value]));
      return {
        time: log.time,
        timeNs: log.timeNs ?? null,
        project,
        logstore,
        topic: group.topic || null,
        source: group.source || null,
        machineUUID: group.machineUUID || null,
        category: group.category || null,
        tags: entries(group.logTags),
        contents: [...contents].filter(([key]) => !contentColumns.includes(key)).sort(byKey),
        columns: Object.fromEntries(contentColumns.map((key) => [key, contents.get(key) ?? null])),
      };
    }),
  );
}

const byKey = (a: readonly [string, string], b: readonly [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

function entries(pairs: readonly KeyValue[]): [string, string][] {
  return [...new Map(pairs.map(({ key, value }) => [key, value]))].sort(byKey);
}

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The common tail of both queries: meta columns, and maps as entry lists. */
const COMMON = `project, logstore, topic, source, "machineUUID", category,
  map_entries(tags) AS tags, map_entries(contents) AS contents`;

/** An in-memory DuckDB that reads the flusher's objects from local files. */
export class DuckDb {
  private constructor(private readonly connection: Awaited<ReturnType<DuckDBInstance['connect']>>) {}

  static async open(): Promise<DuckDb> {
    // No extension may be downloaded here: parquet and json are built into @duckdb/node-api.
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    return new DuckDb(await instance.connect());
  }

  /** The rows of a Parquet file (`time` back to Unix seconds), in file order. */
  async parquetRows(file: string, contentColumns: readonly string[] = []): Promise<LogRow[]> {
    const own = contentColumns.map((name) => `, ${identifier(name)}`).join('');
    return this.#rows(
      `SELECT epoch_ms("time") AS "time", "timeNs", ${COMMON}${own} FROM read_parquet(${quoted(file)})`,
      contentColumns,
    );
  }

  /** The rows of a JSON Lines file (the shared log line shape), typed as the Athena table declares them. */
  async jsonLinesRows(file: string): Promise<LogRow[]> {
    const columns = `{time: 'UBIGINT', timeNs: 'UBIGINT', project: 'VARCHAR', logstore: 'VARCHAR',
      topic: 'VARCHAR', source: 'VARCHAR', machineUUID: 'VARCHAR', category: 'VARCHAR',
      tags: 'MAP(VARCHAR, VARCHAR)', contents: 'MAP(VARCHAR, VARCHAR)'}`;
    const rows = await this.#rows(
      `SELECT "time" * 1000 AS "time", "timeNs", ${COMMON}
       FROM read_json(${quoted(file)}, format = 'newline_delimited', columns = ${columns})`,
      [],
    );
    return rows;
  }

  /** The column names and DuckDB types of a Parquet file. */
  async parquetSchema(file: string): Promise<Record<string, string>> {
    const reader = await this.connection.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet(${quoted(file)})`,
    );
    return Object.fromEntries(
      reader.getRowObjectsJson().map((row) => [String(row.column_name), String(row.column_type)]),
    );
  }

  /** The codecs of a Parquet file's column chunks (`ZSTD`, `SNAPPY`, `GZIP`, …). */
  async parquetCodecs(file: string): Promise<string[]> {
    const reader = await this.connection.runAndReadAll(
      `SELECT DISTINCT compression FROM parquet_metadata(${quoted(file)}) ORDER BY 1`,
    );
    return reader.getRowObjectsJson().map((row) => String(row.compression));
  }

  close(): void {
    this.connection.closeSync();
  }

  async #rows(sql: string, contentColumns: readonly string[]): Promise<LogRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    const text = (value: unknown) => (value === null ? null : String(value));
    const map = (value: unknown) =>
      (value as { key: string; value: string }[]).map(({ key, value: v }) => [key, v] as const).sort(byKey);
    return reader.getRowObjectsJson().map((row) => ({
      time: Number(row.time) / 1000,
      timeNs: row.timeNs === null ? null : Number(row.timeNs),
      project: String(row.project),
      logstore: String(row.logstore),
      topic: text(row.topic),
      source: text(row.source),
      machineUUID: text(row.machineUUID),
      category: text(row.category),
      tags: map(row.tags),
      contents: map(row.contents),
      columns: Object.fromEntries(contentColumns.map((name) => [name, text(row[name])])),
    }));
  }
}
