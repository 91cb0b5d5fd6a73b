/** Timing helpers: interleaved rounds, medians, MB/s. One process, no timing assertions. */

/**
 * One thing to time: `run` does the whole unit of work once and returns a count (logs decoded,
 * bytes written...) that is checked on every run, so the work can be neither skipped by the engine
 * nor silently wrong.
 */
export interface Variant {
  name: string;
  run: () => number;
}

export interface TimingOptions {
  /** Untimed rounds first, so every variant is JIT-compiled before it is measured. */
  warmup: number;
  /** Timed rounds; the median is reported. */
  runs: number;
  /** What every `run` must return. */
  expect: number;
  /**
   * A full GC before each timed run (default: true, when the process runs with `--expose-gc`).
   * False leaves collection to V8 as in a Lambda function, where nothing forces one between
   * invocations: see {@link gcBeforeRuns}.
   */
  forcedGc?: boolean;
  /**
   * Awaited before each run of {@link timeRoundsAsync}, off the clock: waits for what the previous
   * run left working elsewhere (a local server's backlog) to finish.
   */
  settle?: () => Promise<unknown>;
}

/**
 * Time every variant `runs` times, round-robin (A B C A B C ...), so a burst of load from other
 * work on the shared machine spreads over all variants instead of skewing one. When the process
 * runs with `--expose-gc`, a full GC before each timed run (unless `forcedGc` is false) keeps one variant's garbage from being
 * collected on the next one's clock. Returns milliseconds per run, by variant name.
 */
export function timeRounds(variants: readonly Variant[], options: TimingOptions): Map<string, number[]> {
  const perRun = gcBeforeRuns(options);
  const check = (variant: Variant, result: number): void => {
    if (result !== options.expect)
      throw new Error(`${variant.name} returned ${result}, expected ${options.expect}`);
  };
  for (let round = 0; round < options.warmup; round++) {
    for (const variant of variants) check(variant, variant.run());
  }
  const times = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < options.runs; round++) {
    for (const variant of variants) {
      perRun?.();
      const start = process.hrtime.bigint();
      const result = variant.run();
      const elapsed = process.hrtime.bigint() - start;
      check(variant, result);
      times.get(variant.name)!.push(Number(elapsed) / 1e6);
    }
  }
  return times;
}

/** A {@link Variant} whose unit of work is asynchronous (an invocation, a request). */
export interface AsyncVariant {
  name: string;
  run: () => Promise<number>;
  /**
   * For a variant too slow to time as often as the others: it skips the warm-up rounds (warm it
   * up before, with a first checked run) and takes part only in the first `runs` timed rounds, so
   * its round-by-round ratios use those rounds. Default: every round, warm-up included.
   */
  runs?: number;
}

/** {@link timeRounds} for asynchronous work: the same round-robin, warm-up, GC and checks. */
export async function timeRoundsAsync(
  variants: readonly AsyncVariant[],
  options: TimingOptions,
): Promise<Map<string, number[]>> {
  const perRun = gcBeforeRuns(options);
  const check = (variant: AsyncVariant, result: number): void => {
    if (result !== options.expect)
      throw new Error(`${variant.name} returned ${result}, expected ${options.expect}`);
  };
  for (let round = 0; round < options.warmup; round++) {
    for (const variant of variants) {
      if (variant.runs !== undefined) continue;
      await options.settle?.();
      check(variant, await variant.run());
    }
  }
  const times = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < options.runs; round++) {
    for (const variant of variants) {
      if (round >= (variant.runs ?? options.runs)) continue;
      await options.settle?.();
      perRun?.();
      const start = process.hrtime.bigint();
      const result = await variant.run();
      const elapsed = process.hrtime.bigint() - start;
      check(variant, result);
      times.get(variant.name)!.push(Number(elapsed) / 1e6);
    }
  }
  return times;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Megabytes (10^6 bytes) per second. */
export function mbPerSecond(bytes: number, milliseconds: number): number {
  return bytes / 1e6 / (milliseconds / 1e3);
}

/** Round for a table: 3 significant digits, at most 2 decimals. */
export function round(value: number): number {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return Number(value.toFixed(digits));
}

/**
 * The GC to run before each timed run (`options.forcedGc`, default true; `global.gc`, present with
 * `--expose-gc`), or none: then one runs now, before the warm-up, to clear what came before (a
 * check's garbage). Seen on the shape grid (BENCHMARKS.md, batch shapes): after a forced GC, a run
 * that allocates a few MB (a decoded batch, its JSON Lines buffers) went through a whole major GC
 * of its own (`--trace-gc`: a Mark-Compact in every such run; 11–13 ms more CPU on V8's helper
 * threads per 6 MB batch), which a run allocating almost nothing (the gzip floor) never did.
 */
function gcBeforeRuns(options: TimingOptions): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (options.forcedGc !== false) return gc;
  gc?.();
  return undefined;
}
