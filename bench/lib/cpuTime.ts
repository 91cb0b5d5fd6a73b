import { PerformanceObserver } from 'node:perf_hooks';
import type { AsyncVariant } from './timing.ts';

/** What {@link cpuMetered} records per variant, one entry per run, warm-up runs first. */
export interface Metered {
  variants: AsyncVariant[];
  /** CPU time of the whole process (user + system, every thread) per run. */
  cpuMs: Map<string, number[]>;
  /** Garbage collector pauses that started during each run, in ms. Call once every run is done. */
  gcMs(): Map<string, number[]>;
  /** Stop observing GC. */
  close(): void;
}

/**
 * Wrap variants so every run also records the CPU time the whole process spent (zlib's thread-pool
 * work included; a server in another process excluded), which is less sensitive than wall time to
 * other work on a shared machine and shows work hidden by parallelism, and the garbage collector's
 * pauses (Node's `gc` performance entries, which arrive asynchronously: read them after the runs).
 */
export function cpuMetered(variants: readonly AsyncVariant[]): Metered {
  const cpuMs = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  const windows = new Map<string, { start: number; end: number }[]>(variants.map((v) => [v.name, []]));
  const pauses: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    cpuMs,
    gcMs: () =>
      new Map(
        [...windows].map(([name, list]) => [
          name,
          list.map(({ start, end }) =>
            pauses.filter((p) => p.start >= start && p.start < end).reduce((ms, p) => ms + p.duration, 0),
          ),
        ]),
      ),
    close: () => observer.disconnect(),
    variants: variants.map((variant) => ({
      ...variant,
      run: async () => {
        const before = process.cpuUsage();
        const start = performance.now();
        const result = await variant.run();
        windows.get(variant.name)!.push({ start, end: performance.now() });
        const used = process.cpuUsage(before);
        cpuMs.get(variant.name)!.push((used.user + used.system) / 1000);
        return result;
      },
    })),
  };
}
