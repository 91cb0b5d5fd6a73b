/**
 * Parquet through `@dsnp/parquetjs` (row by row, pure JavaScript), for bench/parquetLibraries.ts.
 * The columns and the schema are those of the S3 flusher's own writer
 * (src/flushers/s3/encodeParquet.ts). It has no zstd codec.
 */
import { Writable } from 'node:stream';
import parquet from '@dsnp/parquetjs';
import type { ParquetCompression } from '../../src/flushers/s3/config.ts';
import { META_COLUMNS, type ParquetColumns } from '../../src/flushers/s3/parquetColumns.ts';

const CODECS = { snappy: 'SNAPPY', gzip: 'GZIP' } as const;

/** The codecs it writes. */
export const codecs = Object.keys(CODECS) as ParquetCompression[];

export async function write(
  columns: ParquetColumns,
  project: string,
  logstore: string,
  compression: ParquetCompression,
): Promise<Uint8Array> {
  if (compression === 'zstd') throw new Error('@dsnp/parquetjs has no zstd codec');
  const codec = CODECS[compression as keyof typeof CODECS];
  const string = (optional: boolean) => ({ type: 'UTF8' as const, optional, compression: codec });
  const map = {
    type: 'MAP' as const,
    fields: {
      key_value: {
        repeated: true,
        fields: { key: string(false), value: string(false) },
      },
    },
  };
  const schema = new parquet.ParquetSchema({
    time: { type: 'TIMESTAMP_MILLIS', compression: codec },
    timeNs: { type: 'INT64', optional: true, compression: codec },
    project: string(false),
    logstore: string(false),
    ...Object.fromEntries(META_COLUMNS.map((name) => [name, string(true)])),
    tags: map,
    contents: map,
  });
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  // It takes an fs.WriteStream, but only calls write and end.
  const stream = output as unknown as Parameters<typeof parquet.ParquetWriter.openStream>[1];
  const writer = await parquet.ParquetWriter.openStream(schema, stream);
  writer.setRowGroupSize(columns.rows);
  for (let i = 0; i < columns.rows; i++) {
    const row: Record<string, unknown> = {
      time: columns.timeMs[i],
      project,
      logstore,
      tags: { key_value: columns.tags[i] },
      contents: { key_value: columns.contents[i] },
    };
    if (columns.timeNs[i] !== null) row.timeNs = columns.timeNs[i];
    for (const name of META_COLUMNS) if (columns.meta[name][i] !== null) row[name] = columns.meta[name][i];
    await writer.appendRow(row);
  }
  await writer.close();
  return Buffer.concat(chunks);
}
