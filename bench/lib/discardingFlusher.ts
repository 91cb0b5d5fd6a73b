import type { Flusher } from '../../src/flusher/Flusher.ts';
import { logCount } from '../../src/protocol/encodedLogs.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';

/**
 * A flusher that takes every flush and stores nothing: run by the real handler, it leaves what an
 * invocation costs besides building and uploading objects (decoding, routing, the ack ledger, the
 * response, their garbage). It counts the logs it was handed, so a run that dropped some shows.
 *
 * @example
 * ```ts
 * const flusher = discardingFlusher();
 * const handler = createKinesisHandler({ ...options, flusher });
 * await handler(event, context);
 * flusher.logs(); // logs handed to flush so far
 * ```
 */
export function discardingFlusher(): Flusher & { logs(): number } {
  let logs = 0;
  return {
    init: async () => {},
    description: () => 'discarding flusher (benchmark)',
    isReady: () => true,
    flush: async (_project: string, _logstore: string, _configName: string, groups: readonly LogGroup[]) => {
      for (const group of groups) logs += logCount(group);
    },
    setUrgent: () => {},
    stop: async () => {},
    logs: () => logs,
  };
}
