/**
 * Which Parquet writer the S3 flusher uses (issue 14), and what each object format costs, measured
 * on the S3 benchmark's 6 MB batch. The writers:
 * `hyparquet-writer` (pure JavaScript; the one src/flushers/s3/encodeParquet.ts uses),
 * `parquet-wasm` + `apache-arrow` (Rust's parquet crate as WebAssembly, fed an Arrow table) and
 * `@dsnp/parquetjs` (pure JavaScript, row by row). Each writes the flusher's schema from the same
 * columns (`parquetColumns`), with each codec it has. Measured:
 *
 * - build time: decoded logs → columns → Parquet bytes, median of interleaved rounds (the gzip floor
 *   of the S3 benchmark, `gzipSync` of the same logs' JSON Lines, timed alongside);
 * - output size;
 * - bundle size added to a Lambda bundle: the writer bundled with the functions' esbuild options,
 *   the AWS SDK left out (the functions bundle it anyway), plus any WebAssembly file it must ship;
 * - cold start: `import()` of that bundle, and import + a first one-row write (WebAssembly compiles
 *   on first use), each in a fresh Node process, median of several;
 * - correctness: DuckDB reads every file back and must find the input's rows and values.
 *
 * The formats: every format and compression the flusher writes, built from the same partition as
 * the flusher builds an object (`compressBody(encodePartition(…))`, or `parquetBody`, the logs
 * still protobuf bytes as the runtime leaves them): build time and bytes stored.
 *
 * Not part of `npm run bench` (a one-off decision, recorded in BENCHMARKS.md):
 * `npx tsx bench/parquetLibraries.ts` (add `--quick` for a smoke run on a tiny batch).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { functionBuildOptions } from '../infra/esbuildOptions.cjs';
import type { ParquetCompression } from '../src/flushers/s3/config.ts';
import { encodeParquet } from '../src/flushers/s3/encodeParquet.ts';
import { encodePartition } from '../src/flushers/s3/encodePartition.ts';
import { type ParquetColumns, parquetColumns } from '../src/flushers/s3/parquetColumns.ts';
import { partitionByHour, sliceLogs } from '../src/flushers/s3/partitionByHour.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decodePayload, InputFormat } from '../src/input/decodePayload.ts';
import { DuckDb, expectedRows } from '../test/analytics/duckDb.ts';
import { describeBatch, kinesisBatch, QUICK_BATCH, SIX_MB_BATCH } from './lib/kinesisBatch.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import * as parquetjs from './lib/parquetjsWriter.ts';
import * as parquetWasm from './lib/parquetWasmWriter.ts';
import { benchArgs, progress } from './lib/result.ts';
import { formatCosts } from './lib/s3FormatCosts.ts';
import { median, round, timeRoundsAsync } from './lib/timing.ts';

type Write = (
  columns: ParquetColumns,
  project: string,
  logstore: string,
  compression: ParquetCompression,
) => Uint8Array | Promise<Uint8Array>;

interface Library {
  readonly name: string;
  readonly codecs: readonly ParquetCompression[];
  readonly write: Write;
  /** Source of the bundle entry: exports `write` as above. */
  readonly entry: string;
  /** Files the bundle must ship beside it. */
  readonly extraFiles: readonly string[];
}

const root = fileURLToPath(new URL('..', import.meta.url));
const { quick } = benchArgs();
const timing = quick ? { warmup: 1, runs: 1 } : { warmup: 2, runs: 9 };
const processes = quick ? 1 : 9;
const PROJECT = 'shop';
const LOGSTORE = 'nginx-access';
const ALL_CODECS: readonly ParquetCompression[] = ['zstd', 'snappy', 'gzip'];

const libraries: readonly Library[] = [
  {
    name: 'hyparquet-writer',
    codecs: ALL_CODECS,
    write: (columns, project, logstore, codec) => encodeParquet(columns, project, logstore, [], codec),
    entry: `import { encodeParquet } from './src/flushers/s3/encodeParquet.ts';
      export const write = (c, p, l, z) => encodeParquet(c, p, l, [], z);`,
    extraFiles: [],
  },
  {
    name: 'parquet-wasm + apache-arrow',
    codecs: ALL_CODECS,
    write: parquetWasm.write,
    entry: `export { write } from './bench/lib/parquetWasmWriter.ts';`,
    extraFiles: [parquetWasm.WASM_FILE],
  },
  {
    name: '@dsnp/parquetjs',
    codecs: parquetjs.codecs,
    write: parquetjs.write,
    entry: `export { write } from './bench/lib/parquetjsWriter.ts';`,
    extraFiles: [],
  },
];

const batch = kinesisBatch(quick ? QUICK_BATCH : SIX_MB_BATCH);
progress(`parquet libraries: ${describeBatch(batch)}`);
const groups = batch.event.Records.flatMap(
  (record) =>
    decodePayload(Buffer.from(record.kinesis.data, 'base64'), {
      format: InputFormat.auto,
      maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
    }).groups,
);
const partitions = partitionByHour(groups);
if (partitions.length !== 1) throw new Error(`expected one hour of logs, got ${partitions.length}`);
const partition = partitions[0]!;
const groupLogs = partition.slices.map((slice) => ({ group: slice.group, logs: sliceLogs(slice) }));
const rows = partition.logCount;
const work = join(root, '.esbuild', `parquet-libraries-${process.pid}`);
mkdirSync(work, { recursive: true });
const db = await DuckDb.open();

try {
  // Correctness first: every file DuckDB cannot read back as the input is disqualified.
  const expected = expectedRows(groupLogs, PROJECT, LOGSTORE);
  const outputs = new Map<string, { bytes: number; correct: string }>();
  for (const library of libraries) {
    for (const codec of library.codecs) {
      const file = join(work, `${outputs.size}.parquet`);
      const bytes = await library.write(parquetColumns(groupLogs, []), PROJECT, LOGSTORE, codec);
      writeFileSync(file, bytes);
      let correct: string;
      try {
        const read = await db.parquetRows(file);
        const wrong = read.findIndex((row, i) => !isDeepStrictEqual(row, expected[i]));
        correct =
          read.length !== expected.length
            ? `no: ${read.length} rows of ${expected.length}`
            : wrong >= 0
              ? `no: row ${wrong} differs`
              : 'yes';
      } catch (error) {
        correct = `no: ${(error as Error).message.split('\n')[0]}`;
      }
      outputs.set(`${library.name} ${codec}`, { bytes: bytes.length, correct });
      progress(`${library.name} ${codec}: ${bytes.length} bytes, DuckDB reads back the input: ${correct}`);
    }
  }

  const jsonl = Buffer.concat([...encodePartition(partition, 'jsonl', PROJECT, LOGSTORE)]);
  const floorBytes = gzipSync(jsonl).length;
  const variants = [
    {
      name: 'floor',
      run: async () => {
        gzipSync(jsonl);
        return rows;
      },
    },
    { name: 'columns', run: async () => parquetColumns(groupLogs, []).rows },
    ...libraries.flatMap((library) =>
      library.codecs.map((codec) => ({
        name: `${library.name} ${codec}`,
        run: async () => {
          await library.write(parquetColumns(groupLogs, []), PROJECT, LOGSTORE, codec);
          return rows;
        },
      })),
    ),
  ];
  progress(`${timing.warmup} warm-up + ${timing.runs} timed rounds of ${variants.length} variants`);
  const times = await timeRoundsAsync(variants, { ...timing, expect: rows });
  const ms = (name: string) => median(times.get(name)!);

  const bundles = new Map<string, { kb: number; importMs: number[]; firstWriteMs: number[] }>();
  for (const [i, library] of libraries.entries()) {
    const outfile = join(work, `bundle-${i}.mjs`);
    await build({
      ...functionBuildOptions('esm', true),
      absWorkingDir: root,
      stdin: { contents: library.entry, resolveDir: root, sourcefile: `entry-${i}.ts`, loader: 'ts' },
      outfile,
      sourcemap: false,
      external: ['@aws-sdk/*', '@smithy/*'],
    });
    const bytes = statSync(outfile).size + library.extraFiles.reduce((n, file) => n + statSync(file).size, 0);
    bundles.set(library.name, { kb: bytes / 1024, importMs: [], firstWriteMs: [] });
  }
  progress(`cold start: ${processes} fresh processes per library, interleaved`);
  for (let round = 0; round < processes; round++) {
    for (const [i, library] of libraries.entries()) {
      const [importMs, firstWriteMs] = await coldStart(join(work, `bundle-${i}.mjs`), library.codecs[0]!);
      bundles.get(library.name)!.importMs.push(importMs);
      bundles.get(library.name)!.firstWriteMs.push(firstWriteMs);
    }
  }

  const lines = [
    `_${describeMachine(machineInfo())}_`,
    '',
    `${describeBatch(batch)}: one object of ${rows} rows. Build = the decoded logs to Parquet bytes (columns included, ${round(ms('columns'))} ms of it), median of ${timing.runs} interleaved rounds; the gzip floor (\`gzipSync\` of the same logs' ${(jsonl.length / 1e6).toFixed(2)} MB of JSON Lines: ${round(ms('floor'))} ms, ${(floorBytes / 1e6).toFixed(3)} MB) timed alongside. Bundle = the writer bundled alone with the functions' esbuild options (AWS SDK external), plus files it must ship; import and first write in fresh processes, median of ${processes}.`,
    '',
    '| library | codec | build ms | × gzip floor | size MB | × JSONL+gzip | DuckDB reads the input back | bundle KB | import ms | import + first write ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
    ...libraries.flatMap((library) =>
      library.codecs.map((codec) => {
        const name = `${library.name} ${codec}`;
        const { bytes, correct } = outputs.get(name)!;
        const bundle = bundles.get(library.name)!;
        return `| ${library.name} | ${codec} | ${round(ms(name))} | ${(ms(name) / ms('floor')).toFixed(2)}× | ${(bytes / 1e6).toFixed(3)} | ${(bytes / floorBytes).toFixed(2)}× | ${correct} | ${round(bundle.kb)} | ${round(median(bundle.importMs))} | ${round(median(bundle.firstWriteMs))} |`;
      }),
    ),
    `| @dsnp/parquetjs | zstd | – | – | – | – | no zstd codec | | | |`,
    '',
    ...(await formatCosts(partition, PROJECT, LOGSTORE, timing)),
  ];
  console.log(lines.join('\n'));
} finally {
  db.close();
  rmSync(work, { recursive: true, force: true });
}

/** Milliseconds to import `bundle` in a fresh Node process, and to import it and write one row. */
function coldStart(bundle: string, codec: ParquetCompression): Promise<[number, number]> {
  const oneRow = {
    rows: 1,
    timeMs: [1_700_000_000_000],
    timeNs: [1],
    meta: { topic: ['t'], source: [null], machineUUID: [null], category: [null] },
    tags: [[{ key: 'k', value: 'v' }]],
    contents: [[{ key: 'status', value: '200' }]],
    contentColumns: [],
  };
  const script = `const t0 = performance.now();
    const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const t1 = performance.now();
    await m.write(${JSON.stringify(oneRow)}, 'p', 's', ${JSON.stringify(codec)});
    process.stdout.write(JSON.stringify([t1 - t0, performance.now() - t0]));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as [number, number]);
      else reject(new Error(`cold start of ${bundle} failed (${code}): ${err.slice(0, 500)}`));
    });
  });
}
