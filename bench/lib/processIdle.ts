import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often the other process's CPU time is sampled. */
const SAMPLE_MS = 10;
/** Idle: it ran for at most this share of the sample's wall time, on all its threads together. */
const IDLE_SHARE = 0.1;

/**
 * Wait until process `pid` is idle: it used at most a tenth of a core over the last 10 ms (all its
 * threads, from /proc/<pid>/task/<tid>/schedstat), or `maxMs` passed. Resolves with the wait in ms;
 * at once where that is not readable (not Linux, a kernel without schedstats) or the process is gone.
 *
 * Why: the benchmarks' local S3 server shares this machine's cores. After the naive function's
 * thousand PutObjects it kept working long enough to slow the next runs measured (the shape grid's
 * `kinesis-1000` build: 0.91–1.47× the floor in nine grids, over 1.3× in five; 0.85–0.94× with
 * this wait; BENCHMARKS.md, issue 15), which the real S3, another machine, never does.
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
  let sampled = started;
  for (;;) {
    await sleep(SAMPLE_MS);
    const after = cpuNs(pid);
    const now = performance.now();
    const idle = after === undefined || after - before <= IDLE_SHARE * (now - sampled) * 1e6;
    if (idle || now - started >= maxMs) return now - started;
    before = after;
    sampled = now;
  }
}

/** Nanoseconds `pid` has run on a CPU, all threads together; `undefined` when no thread's is readable. */
function cpuNs(pid: number): number | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let total: number | undefined;
  for (const tid of tids) {
    try {
      // First field of schedstat: time spent on the CPU, in ns.
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
      total = (total ?? 0) + ns;
    } catch {
      // The thread ended since the listing: its time no longer counts either way.
    }
  }
  return total;
}
