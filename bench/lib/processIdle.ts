import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often the other process's CPU time is sampled. */
const SAMPLE_MS = 10;
/** Idle: it ran for at most this share of one sample's wall time, on all its threads together. */
const IDLE_SHARE = 0.1;

/**
 * Wait until process `pid` is idle: it used at most a tenth of a core over the last 10 ms (all its
 * threads, from /proc/<pid>/task/<tid>/schedstat), or `maxMs` passed. Resolves with the wait in ms;
 * at once where /proc is missing (not Linux) or the process is gone.
 *
 * Why: the benchmarks' local S3 server shares this machine's cores. After the naive function's
 * thousand PutObjects it kept working long enough to slow the next runs measured (the shape grid's
 * `kinesis-1000` build 0.85–1.06× the floor without the naive function's runs, 1.19–1.47× after
 * them; BENCHMARKS.md, issue 15), which the real S3, another machine, never does.
 *
 * @example
 * ```ts
 * await waitUntilIdle(server.pid, 2_000);
 * ```
 */
export async function waitUntilIdle(pid: number, maxMs: number): Promise<number> {
  const started = performance.now();
  let before = cpuNs(pid);
  if (before === undefined) return 0;
  for (;;) {
    await sleep(SAMPLE_MS);
    const after = cpuNs(pid);
    const waited = performance.now() - started;
    if (after === undefined || after - before <= IDLE_SHARE * SAMPLE_MS * 1e6 || waited >= maxMs)
      return waited;
    before = after;
  }
}

/** Nanoseconds `pid` has run on a CPU, all threads together; `undefined` without /proc. */
function cpuNs(pid: number): number | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let total = 0;
  for (const tid of tids) {
    try {
      // First field of schedstat: time spent on the CPU, in ns.
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // The thread ended since the listing: its time no longer counts either way.
    }
  }
  return total;
}
