import { parseArgs } from 'node:util';

/**
 * The contract between `bench/run.ts` and one benchmark file. The runner starts each file in its
 * own Node process as `node --import tsx --expose-gc bench/<file>.ts [--quick]`; the file writes
 * progress to stderr and exactly one {@link BenchResult} as the last line of stdout.
 */
export interface BenchResult {
  /** The benchmark's registered name (`codec`, ...). */
  name: string;
  /** Node version the figures were taken on (the child's, which is what was measured). */
  node: string;
  /** One line on the input and the method: sizes, repetitions. */
  input: string;
  columns: string[];
  rows: (string | number)[][];
  /** Lines printed under the table: verdicts against the targets, with the numbers behind them. */
  notes: string[];
  /** Raw figures for anyone who wants more than the table. */
  data?: unknown;
  /** Functions whose inclusive time `--profile` prints: the stages of the measured path. */
  profileStages?: string[];
}

export interface BenchArgs {
  /** Tiny inputs and few repetitions: checks that the benchmark still runs, measures nothing. */
  quick: boolean;
}

/** Arguments every benchmark file accepts (the runner passes `--quick` through). */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const { values } = parseArgs({ args: [...argv], options: { quick: { type: 'boolean', default: false } } });
  return { quick: values.quick };
}

/** Print the result for the runner: one JSON line on stdout. */
export function report(result: Omit<BenchResult, 'node'>): void {
  const full: BenchResult = { ...result, node: process.version };
  process.stdout.write(`${JSON.stringify(full)}\n`);
}

/** Progress for humans, on stderr so it never mixes with the result line. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
