// The acceptance test of the analytics formats: property-generated LogGroups (non-ASCII, empty
// values, duplicate keys, nanoseconds, any time) flushed to s3rver as Parquet and as gzip JSON
// Lines, read back by DuckDB, give exactly the input's rows and values; a redelivery adds nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Config } from '../../src/flushers/s3/config.ts';
import { partitionByHour, SECONDS_PER_HOUR, sliceLogs } from '../../src/flushers/s3/partitionByHour.ts';
import type { KeyValue, LogGroup } from '../../src/protocol/LogGroup.ts';
import { useS3FlusherHarness } from '../fixtures/s3/s3FlusherHarness.ts';
import { logGroups } from '../helpers/arbitraries.ts';
import { DuckDb, expectedRows } from './duckDb.ts';
import { canonical, storedRows } from './s3Objects.ts';

const harness = useS3FlusherHarness();
let db: DuckDb;
beforeAll(async () => {
  db = await DuckDb.open();
});
afterAll(() => db?.close());

/** A few keys that come back often, so logs and tags carry duplicates; one empty, some non-ASCII. */
const pooledKey = fc.constantFrom('status', '', 'é', '状态', 'a"b', '0');
const pooledPairs = fc.array(
  fc.record({ key: pooledKey, value: fc.string({ unit: 'grapheme', maxLength: 12 }) }),
  { maxLength: 6 },
);
/** The shared arbitrary, with pooled pairs mixed in and times crowded into a few hours. */
const groups: fc.Arbitrary<LogGroup[]> = fc
  .tuple(
    logGroups,
    fc.infiniteStream(pooledPairs),
    fc.infiniteStream(fc.integer({ min: 0, max: 3 * SECONDS_PER_HOUR })),
  )
  .map(([input, pairs, offsets]) => {
    const mix = (own: KeyValue[]) => [...own, ...pairs.next().value];
    return input.map((group) => ({
      ...group,
      logTags: mix(group.logTags),
      logs: group.logs.map((log, i) => ({
        ...log,
        time: i % 2 === 0 ? log.time : 1_700_000_000 + offsets.next().value,
        contents: mix(log.contents),
      })),
    }));
  });

const cases: Array<[string, Partial<S3Config>]> = [
  ['Parquet (zstd)', { format: 'parquet' }],
  [
    'Parquet (snappy), with content columns',
    { format: 'parquet', parquetCompression: 'snappy', parquetColumns: ['status', 'é'] },
  ],
  ['JSON Lines (gzip)', { format: 'jsonl', compression: 'gzip' }],
];

describe.each(cases)('%s objects read by DuckDB', (_name, overrides) => {
  it('hold exactly the rows and values of the input logs, once, and a redelivery adds no object', async () => {
    const contentColumns = overrides.parquetColumns ?? [];
    await fc.assert(
      fc.asyncProperty(groups, async (input) => {
        const { flusher, keyPrefix } = await harness.startFlusher(overrides);
        const recordIds = input.map((_, i) => `r${i}`);
        await flusher.flush('shop', 'nginx', 'cfg', input, { recordIds });

        const objects = await storedRows(harness.env, keyPrefix, db, contentColumns);
        const expected = expectedRows(
          partitionByHour(input).flatMap((p) =>
            p.slices.map((s) => ({ group: s.group, logs: sliceLogs(s) })),
          ),
          'shop',
          'nginx',
          contentColumns,
        );
        expect(canonical(objects.flatMap((o) => o.rows))).toEqual(canonical(expected));
        for (const { rows } of objects) {
          expect(new Set(rows.map((row) => Math.floor(row.time / SECONDS_PER_HOUR))).size).toBe(1);
        }

        const fresh = await harness.startFlusher({ ...overrides, keyPrefix });
        await fresh.flusher.flush('shop', 'nginx', 'cfg', input, { recordIds });
        expect(await harness.env.keys(keyPrefix)).toEqual(objects.map((o) => o.key));
      }),
      { numRuns: 12 },
    );
  });
});
