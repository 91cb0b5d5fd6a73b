import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that a self-time summary needs. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  /** `name (file:line)`, with file relative to the repository when it is inside it. */
  location: string;
  /** Self time as a share of all samples, in percent. */
  percent: number;
  selfMs: number;
}

/**
 * The functions with the most self time in a `.cpuprofile`: where the time goes, in a few lines
 * that fit in BENCHMARKS.md. Open the file itself in Chrome DevTools for the full call tree.
 */
export function hotFunctions(path: string, root: string, top = 15): HotFunction[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const locationById = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${root}/`, '');
    const name = functionName || '(anonymous)';
    locationById.set(node.id, file ? `${name} (${file}:${lineNumber + 1})` : name);
  }
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const location = locationById.get(id) ?? '(unknown)';
    selfMicros.set(location, (selfMicros.get(location) ?? 0) + micros);
    total += micros;
  });
  return [...selfMicros]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([location, micros]) => ({ location, percent: (100 * micros) / total, selfMs: micros / 1000 }));
}

export interface StageTime {
  name: string;
  /** Samples with this function anywhere on the stack (each sample counted once), as a share of all. */
  percent: number;
  ms: number;
}

/**
 * Inclusive time of the named functions (anywhere on the stack), plus the garbage collector and
 * idle time: where the time goes by stage of a path, e.g. decode vs encode vs compress. Functions
 * that run after an `await` appear under their own name only, so name every stage.
 */
export function inclusiveTimes(path: string, names: readonly string[]): StageTime[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const node of profile.nodes) {
    name.set(node.id, node.callFrame.functionName);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const wanted = [...names, '(garbage collector)', '(idle)'];
  const micros = new Map<string, number>(wanted.map((n) => [n, 0]));
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const fn = name.get(node)!;
      if (micros.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        micros.set(fn, micros.get(fn)! + delta);
      }
    }
  });
  return wanted.map((n) => ({ name: n, percent: (100 * micros.get(n)!) / total, ms: micros.get(n)! / 1000 }));
}
