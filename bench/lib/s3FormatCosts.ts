import { compressBody } from '../../src/flushers/s3/compressBody.ts';
import type { ParquetCompression } from '../../src/flushers/s3/config.ts';
import { encodePartition } from '../../src/flushers/s3/encodePartition.ts';
import { parquetBody } from '../../src/flushers/s3/parquetBody.ts';
import type { Partition } from '../../src/flushers/s3/partitionByHour.ts';
import { progress } from './result.ts';
import { median, round, type TimingOptions, timeRoundsAsync } from './timing.ts';

const PARQUET_CODECS: readonly ParquetCompression[] = ['zstd', 'snappy', 'gzip'];

/**
 * What each object format costs (bench/parquetLibraries.ts): every format and compression the S3
 * flusher writes, built from `partition` as the flusher builds an object (`compressBody` of
 * `encodePartition`, or `parquetBody`), timed in interleaved rounds; returns a markdown table.
 */
export async function formatCosts(
  partition: Partition,
  project: string,
  logstore: string,
  timing: Omit<TimingOptions, 'expect'>,
): Promise<string[]> {
  const rows = partition.logCount;
  const signal = new AbortController().signal;
  const formats = [
    ...(['jsonl', 'protobuf'] as const).flatMap((format) =>
      (['gzip', 'zstd', 'none'] as const).map((compression) => ({ format, compression, parquet: undefined })),
    ),
    ...PARQUET_CODECS.map((codec) => ({
      format: 'parquet' as const,
      compression: 'none' as const,
      parquet: codec,
    })),
  ];
  const name = (f: (typeof formats)[number]) => `${f.format} ${f.parquet ?? f.compression}`;
  const body = (f: (typeof formats)[number]) =>
    f.parquet === undefined
      ? compressBody(encodePartition(partition, f.format, project, logstore), f.compression, signal)
      : parquetBody(
          partition,
          project,
          logstore,
          { parquetCompression: f.parquet, parquetColumns: [] },
          signal,
        );
  const bytes = new Map<string, number>();
  let jsonlBytes = 0;
  for (const f of formats) {
    const built = await body(f);
    bytes.set(name(f), built.body.length);
    if (f.format === 'jsonl') jsonlBytes = built.rawBytes;
  }
  const variants = formats.map((f) => ({
    name: name(f),
    run: async () => {
      await body(f);
      return rows;
    },
  }));
  progress(`formats: ${timing.warmup} warm-up + ${timing.runs} timed rounds of ${variants.length} formats`);
  const times = await timeRoundsAsync(variants, { ...timing, expect: rows });
  const ms = (key: string) => median(times.get(key)!);
  const base = { ms: ms('jsonl gzip'), bytes: bytes.get('jsonl gzip')! };
  return [
    `Each format and compression as the flusher builds one object of these ${rows} logs (${(jsonlBytes / 1e6).toFixed(2)} MB as JSON Lines), from the logs as the runtime leaves them (protobuf bytes); build = encode + compress (Parquet: + decode and the content hash), no upload; median of ${timing.runs} interleaved rounds.`,
    '',
    '| format | compression | build ms | × JSONL gzip | stored MB | × JSONL gzip |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...formats.map((f) => {
      const key = name(f);
      const codec = f.parquet === undefined ? f.compression : `${f.parquet} (pages)`;
      return `| ${f.format} | ${codec} | ${round(ms(key))} | ${(ms(key) / base.ms).toFixed(2)}× | ${(bytes.get(key)! / 1e6).toFixed(3)} | ${(bytes.get(key)! / base.bytes).toFixed(2)}× |`;
    }),
  ];
}
