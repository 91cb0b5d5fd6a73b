// What the S3 flusher stored under a prefix of the test s3rver, fetched with the SDK into temp
// files that DuckDB reads (DuckDB's own S3 reader, httpfs, is an extension it would download).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3TestEnvironment } from '../fixtures/s3/s3TestEnvironment.ts';
import type { DuckDb, LogRow } from './duckDb.ts';

/** Every object under `prefix` as DuckDB reads it: Parquet, or JSON Lines (gzip or not). */
export async function storedRows(
  env: S3TestEnvironment,
  prefix: string,
  db: DuckDb,
  contentColumns: readonly string[] = [],
): Promise<Array<{ key: string; rows: LogRow[] }>> {
  const dir = await mkdtemp(join(tmpdir(), 's3-objects-'));
  try {
    const objects = [];
    for (const [i, key] of (await env.keys(prefix)).entries()) {
      const { raw } = await env.read(key);
      // DuckDB picks the reader's decompression from the file name, as from the object's.
      const file = join(dir, `${i}-${key.split('/').at(-1)}`);
      await writeFile(file, raw);
      const rows = key.endsWith('.parquet')
        ? await db.parquetRows(file, contentColumns)
        : await db.jsonLinesRows(file);
      objects.push({ key, rows });
    }
    return objects;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rows in one canonical order, to compare what was stored with what was sent whatever the objects. */
export function canonical(rows: readonly LogRow[]): LogRow[] {
  const text = (row: LogRow) => JSON.stringify(row);
  return [...rows].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}
