import type { FlusherContext, FlusherMetricUnit } from '../../src/flusher/Flusher.ts';
import type { QuarantineEntry, QuarantineSink } from '../../src/quarantine/QuarantineSink.ts';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: Record<string, unknown>[];
}

export interface FakeContext extends FlusherContext {
  readonly logs: LogRecord[];
  readonly metricValues: Map<string, number>;
  readonly quarantined: QuarantineEntry[];
  readonly shutdown: AbortController;
}

/** A FlusherContext whose logger, metrics and quarantine record what they receive. */
export function fakeContext(overrides: Partial<FlusherContext> = {}): FakeContext {
  const logs: LogRecord[] = [];
  const metricValues = new Map<string, number>();
  const quarantined: QuarantineEntry[] = [];
  const shutdown = new AbortController();
  const log =
    (level: LogRecord['level']) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      logs.push({ level, message, extra });
  const quarantine: QuarantineSink = {
    description: () => 'memory',
    put: async (entry) => {
      quarantined.push(entry);
    },
  };
  return {
    configName: 'test-config',
    project: 'test-project',
    logstore: 'test-logstore',
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    metrics: {
      addMetric: (name: string, _unit: FlusherMetricUnit, value: number) =>
        metricValues.set(name, (metricValues.get(name) ?? 0) + value),
    },
    signal: shutdown.signal,
    quarantine,
    ...overrides,
    logs,
    metricValues,
    quarantined,
    shutdown,
  };
}
