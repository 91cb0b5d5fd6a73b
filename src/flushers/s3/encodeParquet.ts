// A namespace import: on a Node.js without zstd a named import would fail at load time, not at config time.
import * as zlib from 'node:zlib';
import { ByteWriter, type ColumnSource, parquetWrite, type SchemaElement } from 'hyparquet-writer';
import type { ParquetCompression } from './config.ts';
import { META_COLUMNS, type ParquetColumns } from './parquetColumns.ts';

const CODECS = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP' } as const;

/**
 * Rows per row group. A flush's object is at most tens of thousands of logs: one row group, which
 * readers scan with the fewest requests (hyparquet-writer's default starts with 1,000-row groups
 * for fast previews, which only multiply the per-group overhead here).
 */
export const PARQUET_ROW_GROUP_ROWS = 1_000_000;

/** Written into the file's footer (`created_by`): readers use it to know which writer's quirks to expect. */
const CREATED_BY = 'loggroup-flusher (hyparquet-writer)';

const string = (name: string, required: boolean): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
  repetition_type: required ? 'REQUIRED' : 'OPTIONAL',
});

/** A `map<string,string>` column: the MAP group, its repeated key_value group, key and value. */
const map = (name: string): SchemaElement[] => [
  {
    name,
    repetition_type: 'REQUIRED',
    converted_type: 'MAP',
    logical_type: { type: 'MAP' },
    num_children: 1,
  },
  { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
  string('key', true),
  string('value', true),
];

/**
 * One Parquet file holding `columns`: `time` (timestamp, milliseconds, UTC), `timeNs` (int64, null
 * when absent), `project` and `logstore`, the nullable strings `topic`, `source`, `machineUUID` and
 * `category`, `tags` and `contents` as `map<string,string>`, then one nullable string column per
 * key of `contentColumns`. Every column is dictionary-encoded where that is smaller, and compressed
 * with `compression`.
 *
 * @example
 * ```ts
 * const file = encodeParquet(parquetColumns(groupLogs, ['status']), 'shop', 'nginx', ['status'], 'zstd');
 * ```
 */
export function encodeParquet(
  columns: ParquetColumns,
  project: string,
  logstore: string,
  contentColumns: readonly string[],
  compression: ParquetCompression,
): Buffer {
  const { rows } = columns;
  const columnData: ColumnSource[] = [
    { name: 'time', data: columns.timeMs },
    { name: 'timeNs', data: columns.timeNs.map((ns) => (ns === null ? null : BigInt(ns))) },
    { name: 'project', data: new Array(rows).fill(project) },
    { name: 'logstore', data: new Array(rows).fill(logstore) },
    ...META_COLUMNS.map((name) => ({ name, data: columns.meta[name] })),
    // No min/max statistics for the maps: bounds over the keys and values of every key prune
    // nothing, and computing them was 6 % of the write's profile on the benchmark batch.
    { name: 'tags', data: columns.tags, statistics: false },
    { name: 'contents', data: columns.contents, statistics: false },
    ...contentColumns.map((name, i) => ({ name, data: columns.contentColumns[i]! })),
  ];
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columnData.length },
    {
      name: 'time',
      type: 'INT64',
      repetition_type: 'REQUIRED',
      converted_type: 'TIMESTAMP_MILLIS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    },
    { name: 'timeNs', type: 'INT64', repetition_type: 'OPTIONAL' },
    string('project', true),
    string('logstore', true),
    ...META_COLUMNS.map((name) => string(name, false)),
    ...map('tags'),
    ...map('contents'),
    ...contentColumns.map((name) => string(name, false)),
  ];
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData,
    schema,
    codec: CODECS[compression],
    compressors: { ZSTD: (bytes) => zlib.zstdCompressSync(bytes), GZIP: (bytes) => zlib.gzipSync(bytes) },
    rowGroupSize: PARQUET_ROW_GROUP_ROWS,
    createdBy: CREATED_BY,
  });
  return Buffer.from(writer.getBuffer());
}
