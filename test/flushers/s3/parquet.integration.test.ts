import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Config } from '../../../src/flushers/s3/config.ts';
import { decodeLogGroupList, LogsAs } from '../../../src/protocol/decodeLogGroup.ts';
import { encodedLogs } from '../../../src/protocol/encodedLogs.ts';
import { encodeLogGroupList } from '../../../src/protocol/encodeLogGroup.ts';
import { DuckDb, expectedRows } from '../../analytics/duckDb.ts';
import { FEB28_23H, useS3FlusherHarness } from '../../fixtures/s3/s3FlusherHarness.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

const harness = useS3FlusherHarness();
let db: DuckDb;
let dir: string;
beforeAll(async () => {
  db = await DuckDb.open();
  dir = await mkdtemp(join(tmpdir(), 'parquet-objects-'));
});
afterAll(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

const groups = [
  aLogGroup(
    [
      { status: '200', path: '/a' },
      { status: '404', path: '/b', extra: 'x' },
    ],
    { time: FEB28_23H },
  ),
];

/** Flush `groups` with these options; the stored objects as local files. */
async function flushed(overrides: Partial<S3Config>): Promise<Array<{ key: string; file: string }>> {
  const { flusher, keyPrefix } = await harness.startFlusher({ format: 'parquet', ...overrides });
  await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });
  return Promise.all(
    (await harness.env.keys(keyPrefix)).map(async (key, i) => {
      const file = join(dir, `${keyPrefix.replace('/', '')}-${i}.parquet`);
      await writeFile(file, (await harness.env.read(key)).raw);
      return { key, file };
    }),
  );
}

describe('S3_FORMAT=parquet against s3rver', () => {
  it('stores .parquet objects, typed as such, not content-encoded, with the documented schema', async () => {
    const [object] = await flushed({});
    const stored = await harness.env.read(object!.key);
    expect(object!.key).toMatch(/\/dt=2024-02-28\/hour=23\/[0-9a-f]{32}\.parquet$/);
    expect(stored.contentType).toBe('application/vnd.apache.parquet');
    expect(stored.contentEncoding).toBeUndefined();
    expect(stored.metadata).toMatchObject({ format: 'parquet', 'log-count': '2' });
    expect(stored.raw.subarray(0, 4).toString()).toBe('PAR1');
    expect(await db.parquetSchema(object!.file)).toEqual({
      time: 'TIMESTAMP WITH TIME ZONE',
      timeNs: 'BIGINT',
      project: 'VARCHAR',
      logstore: 'VARCHAR',
      topic: 'VARCHAR',
      source: 'VARCHAR',
      machineUUID: 'VARCHAR',
      category: 'VARCHAR',
      tags: 'MAP(VARCHAR, VARCHAR)',
      contents: 'MAP(VARCHAR, VARCHAR)',
    });
    expect(await db.parquetCodecs(object!.file)).toEqual(['ZSTD']);
  });

  it.each([
    ['snappy', 'SNAPPY'],
    ['gzip', 'GZIP'],
  ] as const)('compresses the pages with S3_PARQUET_COMPRESSION=%s', async (codec, name) => {
    const [object] = await flushed({ parquetCompression: codec });
    expect(await db.parquetCodecs(object!.file)).toEqual([name]);
  });

  it('gives the keys of S3_PARQUET_COLUMNS their own columns, out of the contents map', async () => {
    const [object] = await flushed({ parquetColumns: ['status', 'extra'] });
    expect(await db.parquetSchema(object!.file)).toMatchObject({ status: 'VARCHAR', extra: 'VARCHAR' });
    const rows = await db.parquetRows(object!.file, ['status', 'extra']);
    expect(rows.map((row) => [row.columns, row.contents])).toEqual([
      [{ status: '200', extra: null }, [['path', '/a']]],
      [{ status: '404', extra: 'x' }, [['path', '/b']]],
    ]);
  });

  it('writes logs still protobuf bytes (as the runtime leaves them) and finds them again on redelivery', async () => {
    const bytes = encodeLogGroupList([
      ...groups,
      aLogGroup([{ status: '500', status2: 'é' }], { time: FEB28_23H + 60, topic: 't' }),
    ]);
    const delivery = () => decodeLogGroupList(bytes, LogsAs.encoded);
    expect(delivery().every((group) => encodedLogs(group) !== undefined)).toBe(true);
    const { flusher, keyPrefix } = await harness.startFlusher({ format: 'parquet' });
    await flusher.flush('shop', 'nginx', 'cfg', delivery(), { recordIds: ['m1', 'm2'] });
    const [key, more] = await harness.env.keys(keyPrefix);
    expect(more).toBeUndefined();
    const file = join(dir, 'encoded.parquet');
    await writeFile(file, (await harness.env.read(key!)).raw);
    const input = decodeLogGroupList(bytes);
    const objectLogs = input.map((group) => ({ group, logs: group.logs }));
    expect(await db.parquetRows(file)).toEqual(expectedRows(objectLogs, 'shop', 'nginx'));

    const fresh = await harness.startFlusher({ format: 'parquet', keyPrefix });
    await fresh.flusher.flush('shop', 'nginx', 'cfg', delivery(), { recordIds: ['m1', 'm2'] });
    expect(await harness.env.keys(keyPrefix)).toEqual([key]);
    expect(harness.env.proxy.requests.filter((r) => r.key === key).map((r) => r.status)).toEqual([200, 412]);
  });

  it('partitions by the key template like the other formats', async () => {
    const objects = await flushed({ keyTemplate: '{project}/status={contents.status}/dt={dt}/' });
    expect(objects.map((o) => o.key.split('/').slice(1, 4).join('/')).sort()).toEqual([
      'shop/status=200/dt=2024-02-28',
      'shop/status=404/dt=2024-02-28',
    ]);
  });
});
