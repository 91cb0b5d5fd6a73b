/**
 * Parquet through `apache-arrow` (the columns as an Arrow table) and `parquet-wasm` (Rust's
 * parquet crate compiled to WebAssembly), for bench/parquetLibraries.ts. The columns and the schema
 * are those of the S3 flusher's own writer (src/flushers/s3/encodeParquet.ts).
 */
import { createRequire } from 'node:module';
import {
  Field,
  Int64,
  Map_,
  Struct,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import {
  Compression,
  initSync,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm/esm';
import type { ParquetCompression } from '../../src/flushers/s3/config.ts';
import { META_COLUMNS, type ParquetColumns } from '../../src/flushers/s3/parquetColumns.ts';

const CODECS = { zstd: Compression.ZSTD, snappy: Compression.SNAPPY, gzip: Compression.GZIP } as const;

/** The WebAssembly module: compiled once, on the first write, from the file the package ships. */
export const WASM_FILE = createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
let ready = false;

const entries = new Struct([new Field('key', new Utf8(), false), new Field('value', new Utf8(), false)]);
const mapType = () => new Map_<Utf8, Utf8>(new Field('key_value', entries, false));

export async function write(
  columns: ParquetColumns,
  project: string,
  logstore: string,
  compression: ParquetCompression,
): Promise<Uint8Array> {
  if (!ready) {
    const { readFileSync } = await import('node:fs');
    initSync({ module: readFileSync(WASM_FILE) });
    ready = true;
  }
  const { rows } = columns;
  const strings = (values: readonly (string | null)[]) => vectorFromArray(values, new Utf8());
  const maps = (values: ParquetColumns['tags']) =>
    vectorFromArray(
      values.map((pairs) => new Map(pairs.map((pair) => [pair.key, pair.value]))),
      mapType(),
    );
  const table = new Table({
    time: vectorFromArray(columns.timeMs, new TimestampMillisecond()),
    timeNs: vectorFromArray(
      columns.timeNs.map((ns) => (ns === null ? null : BigInt(ns))),
      new Int64(),
    ),
    project: strings(new Array(rows).fill(project)),
    logstore: strings(new Array(rows).fill(logstore)),
    ...Object.fromEntries(META_COLUMNS.map((name) => [name, strings(columns.meta[name])])),
    tags: maps(columns.tags),
    contents: maps(columns.contents),
  });
  const properties = new WriterPropertiesBuilder().setCompression(CODECS[compression]).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties);
}
