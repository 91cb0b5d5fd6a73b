import type { FlusherContext } from '../flusher/Flusher.ts';

/** A FlusherContext for local runs: warnings and errors to stderr, metrics discarded. */
export function consoleContext(): FlusherContext {
  const quiet = () => {};
  const loud = (message: string, ...extra: Record<string, unknown>[]) =>
    console.error(message, ...extra.map((e) => JSON.stringify(e)));
  return {
    configName: 'local',
    project: 'local',
    logstore: 'local',
    logger: { debug: quiet, info: quiet, warn: loud, error: loud },
    metrics: { addMetric: quiet },
    signal: new AbortController().signal,
  };
}
