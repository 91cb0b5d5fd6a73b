/**
 * `npm run bench`: runs every registered benchmark in its own Node process, collects the JSON
 * result each one prints, prints markdown tables, and rewrites each benchmark's section of
 * BENCHMARKS.md (between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`).
 *
 * Options:
 * - `--quick`: tiny inputs, few repetitions; checks the benchmarks still run (CI). Measures
 *   nothing and leaves BENCHMARKS.md alone.
 * - `--only <name>` (repeatable, or comma-separated): run only these benchmarks. Opt-in ones
 *   (`memorylimit`: minutes of child processes) run only when named here, or with `--quick`.
 * - `--profile`: run under `node --cpu-prof`, print where the time went; BENCHMARKS.md untouched.
 *
 * A new benchmark is one file in bench/ that prints a {@link BenchResult} (see lib/result.ts),
 * plus one entry in {@link BENCHMARKS}.
 *
 * @example
 * ```sh
 * npm run bench                       # everything, updates BENCHMARKS.md
 * npm run bench -- --only codec       # one figure
 * npm run bench -- --quick            # CI smoke run
 * ```
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hotFunctions, inclusiveTimes } from './lib/cpuProfile.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { replaceSection } from './lib/markdownSection.ts';
import type { BenchResult } from './lib/result.ts';

interface Benchmark {
  /** Used by `--only` and in the BENCHMARKS.md markers. */
  name: string;
  /** File in bench/ that prints a BenchResult. */
  file: string;
  /** Heading of its BENCHMARKS.md section, used when the section does not exist yet. */
  title: string;
  /** Too long for every run (minutes): only when named with `--only`, and in `--quick` runs so it keeps working. */
  optIn?: boolean;
}

/** Every benchmark, in run order. Register a new one here. */
const BENCHMARKS: readonly Benchmark[] = [
  { name: 'codec', file: 'codec.ts', title: 'Codec: decode speed (issue 2, issue 7 item 3)' },
  { name: 's3', file: 's3.ts', title: 'End-to-end S3 path and the naive baseline (issue 7 items 1, 2)' },
  {
    name: 'shapes',
    file: 'shapes.ts',
    title: 'Batch shapes: the S3 path from 10 to 10,000 records (issue 15)',
  },
  { name: 'cloudwatch', file: 'cloudwatch.ts', title: 'CloudWatch Logs path (issue 7 item 4)' },
  { name: 'coldstart', file: 'coldstart.ts', title: 'Cold start: bundle size, import time (issue 7 item 5)' },
  { name: 'memory', file: 'memory.ts', title: 'Memory: peak RSS for the 6 MB batch (issue 7 item 6)' },
  {
    name: 'memorylimit',
    file: 'memoryLimit.ts',
    title: 'Memory limits: the largest batch at 256 MB and 512 MB (issue 15)',
    optIn: true,
  },
];

/** A child that runs longer than this is killed and reported as failed. */
const CHILD_TIMEOUT_MS = { full: 10 * 60_000, quick: 60_000 } as const;

const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarksFile = join(root, 'BENCHMARKS.md');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true, default: [] },
    profile: { type: 'boolean', default: false },
  },
});
const only = values.only.flatMap((names) => names.split(',')).filter(Boolean);
const unknown = only.filter((name) => !BENCHMARKS.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = BENCHMARKS.filter((bench) =>
  only.length === 0 ? !bench.optIn || values.quick : only.includes(bench.name),
);

const machine = machineInfo();
console.log(`# Benchmarks${values.quick ? ' (quick: smoke run, not measurements)' : ''}\n`);
console.log(`${describeMachine(machine)}\n`);

let failed = 0;
for (const bench of selected) {
  const started = Date.now();
  console.error(`bench ${bench.name}: starting`);
  try {
    const profileDir = values.profile ? mkdtempSync(join(tmpdir(), `bench-${bench.name}-`)) : undefined;
    const result = await runChild(bench, profileDir);
    const section = renderSection(result);
    console.log(`## ${bench.title}\n\n${section}\n`);
    if (profileDir !== undefined) printProfile(profileDir, result.profileStages ?? []);
    else if (!values.quick) {
      const markdown = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : '# Benchmarks\n';
      writeFileSync(benchmarksFile, replaceSection(markdown, bench.name, bench.title, section));
    }
    console.error(`bench ${bench.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed++;
    console.error(`bench ${bench.name}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (!values.quick && !values.profile && failed < selected.length) {
  console.error(`BENCHMARKS.md updated (${selected.length - failed} section(s))`);
}
process.exitCode = failed > 0 ? 1 : 0;

/** Run one benchmark file in a fresh Node process and parse the last line of its stdout. */
function runChild(bench: Benchmark, profileDir: string | undefined): Promise<BenchResult> {
  const args = [
    '--import',
    'tsx',
    '--expose-gc',
    ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
    join(root, 'bench', bench.file),
    ...(values.quick ? ['--quick'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    const timeout = values.quick ? CHILD_TIMEOUT_MS.quick : CHILD_TIMEOUT_MS.full;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`exited with ${signal ?? `code ${code}`}${signal ? ` (limit ${timeout} ms)` : ''}`));
        return;
      }
      const last = stdout.trimEnd().split('\n').at(-1) ?? '';
      try {
        const result = JSON.parse(last) as BenchResult;
        if (result.name !== bench.name || !Array.isArray(result.rows)) throw new Error('not a BenchResult');
        resolve(result);
      } catch (error) {
        reject(new Error(`no result line on stdout (${String(error)}): ${last.slice(0, 200)}`));
      }
    });
  });
}

function renderSection(result: BenchResult): string {
  const cell = (value: string | number) => String(value).replaceAll('|', '\\|');
  const lines = [
    `_${describeMachine({ ...machine, node: result.node })}_`,
    '',
    result.input,
    '',
    `| ${result.columns.map(cell).join(' | ')} |`,
    `|${result.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...result.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  if (result.notes.length > 0) lines.push('', ...result.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}

function printProfile(dir: string, stages: readonly string[]): void {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  for (const file of files) {
    console.log(`Profile: ${join(dir, file)} (open in Chrome DevTools › Performance)\n`);
    console.log('| self % | self ms | function |\n| ---: | ---: | --- |');
    for (const hot of hotFunctions(join(dir, file), root.replace(/\/$/, ''), 25)) {
      console.log(`| ${hot.percent.toFixed(1)} | ${hot.selfMs.toFixed(0)} | ${hot.location} |`);
    }
    console.log();
    if (stages.length > 0) {
      console.log('| stage (inclusive) | % | ms |\n| --- | ---: | ---: |');
      for (const stage of inclusiveTimes(join(dir, file), stages)) {
        console.log(`| ${stage.name} | ${stage.percent.toFixed(1)} | ${stage.ms.toFixed(0)} |`);
      }
      console.log();
    }
  }
  if (files.length === 0) {
    console.log(`no .cpuprofile written in ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
}
