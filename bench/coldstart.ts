/**
 * Cold start benchmark (issue 7, item 5): the bundled functions (infra/bundle.ts `bundle()`), their
 * size and the time a fresh Node process takes to import them, against a bundle that imports only
 * the AWS SDK packages they contain, built the same way. Each import is timed inside its own fresh
 * process, the variants interleaved; with and without `--enable-source-maps` (serverless.yml sets
 * it for the deployed functions).
 *
 * Run through the runner: `npm run bench -- --only coldstart` (add `--quick` for a smoke run).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundle } from '../infra/bundle.ts';
import { benchArgs, progress, report } from './lib/result.ts';
import { median, round } from './lib/timing.ts';

/** Issue 7 target: importing a function at most this many times as long as importing its SDK clients. */
const TARGET_RATIO = 1.3;

const { quick } = benchArgs();
const runs = quick ? 1 : 15;
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bench-coldstart-'));

try {
  const started = performance.now();
  await bundle({ outdir: dir });
  progress(`coldstart: bundle() in ${Math.round(performance.now() - started)} ms`);

  // The same SDK packages the functions bundle, constructed the way FLUSHER=s3 does at init (one
  // S3Client); the other classes are exported so the bundler keeps them.
  const baselineSource = [
    "import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';",
    "import { S3Client } from '@aws-sdk/client-s3';",
    "import { Upload } from '@aws-sdk/lib-storage';",
    "import { NodeHttpHandler } from '@smithy/node-http-handler';",
    'export const s3 = new S3Client({ requestHandler: new NodeHttpHandler({}) });',
    'export { CloudWatchLogsClient, Upload };',
  ].join('\n');
  // The options of the function bundles (infra/bundle.ts): ESM, Node 22, everything bundled,
  // minified, names kept, source map, the `require` banner.
  await build({
    stdin: { contents: baselineSource, resolveDir: root, sourcefile: 'sdk-only.ts', loader: 'ts' },
    outfile: join(dir, 'baseline/sdk-only.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    keepNames: true,
    sourcemap: true,
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });

  const variants = [
    { name: 'kinesis', label: '`functions/kinesis.mjs`', file: join(dir, 'functions/kinesis.mjs') },
    { name: 'sqs', label: '`functions/sqs.mjs`', file: join(dir, 'functions/sqs.mjs') },
    {
      name: 'sdk-only',
      label: 'SDK only: client-s3, client-cloudwatch-logs, lib-storage (one `S3Client` built)',
      file: join(dir, 'baseline/sdk-only.mjs'),
    },
  ];
  const sourceMaps = [false, true];
  const key = (name: string, maps: boolean) => `${name}${maps ? '+maps' : ''}`;
  const times = new Map<string, number[]>();
  progress(`coldstart: ${runs} fresh processes per variant and source-map setting, interleaved`);
  for (let round = 0; round < runs; round++) {
    for (const maps of sourceMaps) {
      for (const variant of variants) {
        const ms = await importTime(variant.file, maps);
        times.set(key(variant.name, maps), [...(times.get(key(variant.name, maps)) ?? []), ms]);
      }
    }
  }
  const ms = (name: string, maps: boolean) => median(times.get(key(name, maps))!);
  const kb = (file: string) => statSync(file).size / 1024;
  const rows = variants.map((variant) => [
    variant.label,
    round(kb(variant.file)),
    round(kb(`${variant.file}.map`)),
    round(ms(variant.name, false)),
    `${(ms(variant.name, false) / ms('sdk-only', false)).toFixed(2)}×`,
    round(ms(variant.name, true)),
    `${(ms(variant.name, true) / ms('sdk-only', true)).toFixed(2)}×`,
  ]);
  const worst = Math.max(
    ...['kinesis', 'sqs'].flatMap((name) => sourceMaps.map((maps) => ms(name, maps) / ms('sdk-only', maps))),
  );
  // Less sensitive to load drifting during the run: each function against the SDK-only import
  // taken in the same round.
  const roundRatio = (name: string, maps: boolean) => {
    const base = times.get(key('sdk-only', maps))!;
    return median(times.get(key(name, maps))!.map((t, i) => t / base[i]!));
  };
  const mapsCost = (name: string) => {
    const plain = times.get(key(name, false))!;
    return median(times.get(key(name, true))!.map((t, i) => t - plain[i]!));
  };
  const worstRound = Math.max(
    ...['kinesis', 'sqs'].flatMap((name) => sourceMaps.map((maps) => roundRatio(name, maps))),
  );

  report({
    name: 'coldstart',
    input: `Bundles from \`bundle()\` (infra/bundle.ts; the SDK-only bundle built with the same esbuild options). Time of \`await import(bundle)\` measured inside a fresh \`node\` process (${process.version}), env \`FLUSHER=s3 S3_BUCKET=bench AWS_REGION=us-east-1\` (the functions validate it and build their destination at import); median of ${runs} processes per cell, variants interleaved.`,
    columns: [
      'bundle',
      'size (KB)',
      'source map (KB)',
      'import (ms)',
      'vs SDK only',
      'import, `--enable-source-maps` (ms)',
      'vs SDK only',
    ],
    rows,
    notes: quick
      ? [
          'Quick run (1 process per cell): checks that the bundles build and import; no figure here is a measurement.',
        ]
      : [
          `Worst ratio to the SDK-only bundle: **${worst.toFixed(2)}×** (ratio of medians), ${worstRound.toFixed(2)}× (median of same-round ratios); target ≤ ${TARGET_RATIO}×: ${worst <= TARGET_RATIO && worstRound <= TARGET_RATIO ? 'met' : '**not met**'}.`,
          `\`--enable-source-maps\` (serverless.yml sets it): median extra import time, same round, ${round(mapsCost('kinesis'))} ms for the Kinesis function, ${round(mapsCost('sqs'))} ms for the SQS one and ${round(mapsCost('sdk-only'))} ms for the SDK-only bundle (with the flag, Node reads and JSON-parses a module's source map as the module loads).`,
        ],
    data: { timesMs: Object.fromEntries(times), worst, worstRound },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Milliseconds `import()` of `file` takes in a fresh Node process (timed by that process). */
function importTime(file: string, sourceMaps: boolean): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script],
      {
        env: {
          PATH: process.env.PATH,
          FLUSHER: 's3',
          S3_BUCKET: 'bench',
          AWS_REGION: 'us-east-1',
          POWERTOOLS_LOG_LEVEL: 'WARN',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out);
      if (code !== 0 || !Number.isFinite(ms))
        reject(new Error(`import of ${file} failed (exit ${code}): ${out}`));
      else resolve(ms);
    });
  });
}
