import type { LogGroup } from '../../src/protocol/LogGroup.ts';

/** A small, realistic LogGroup; `logs` first, so tests read as "a group of these logs". */
export function aLogGroup(
  logs: Array<Record<string, string>> = [{ method: 'GET', path: '/', status: '200' }],
  overrides: Partial<LogGroup> & { time?: number } = {},
): LogGroup {
  const { time = 1_700_000_000, ...rest } = overrides;
  return {
    logs: logs.map((contents, i) => ({
      time: time + i,
      timeNs: i * 1000,
      contents: Object.entries(contents).map(([key, value]) => ({ key, value })),
    })),
    topic: 'access',
    source: '10.0.0.1',
    machineUUID: undefined,
    category: undefined,
    logTags: [{ key: '__hostname__', value: 'web-1' }],
    ...rest,
  };
}
