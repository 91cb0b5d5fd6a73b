import type { Flusher, FlusherLogger } from '../flusher/Flusher.ts';
import { describeError } from '../shared/describeError.ts';
import { settleWithin } from '../shared/settleWithin.ts';

/**
 * Lambda's shutdown budget for the runtime after SIGTERM: about 300 ms with an external extension
 * (the shutdown phase is 2,000 ms shared with extensions), 500 ms with an internal one.
 */
export const LAMBDA_SHUTDOWN_BUDGET_MS = 300;
/** Default time `stop()` gets on SIGTERM, leaving room to exit inside the budget. */
export const DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS = 100;

const live = new Set<Flusher>();
let installed = false;
let stopTimeoutMs = DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS;
let hookLogger: FlusherLogger | undefined;

/** Track a flusher so SIGTERM can drain it. */
export function trackFlusher(flusher: Flusher): void {
  live.add(flusher);
}

export function untrackFlusher(flusher: Flusher): void {
  live.delete(flusher);
}

/**
 * Install the SIGTERM hook once per process: `setUrgent(true)` then `stop()` on every live
 * flusher, bounded by `timeoutMs`, then exit with code 0. Later calls only update the timeout.
 */
export function installShutdownHook(
  timeoutMs = DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS,
  logger?: FlusherLogger,
): void {
  stopTimeoutMs = timeoutMs;
  hookLogger = logger;
  if (installed) return;
  installed = true;
  process.once('SIGTERM', () => {
    void shutdownFlushers(stopTimeoutMs, hookLogger).finally(() => process.exit(0));
  });
}

/** Make every live flusher urgent and stop it; resolves within about `timeoutMs` whatever they do. */
export async function shutdownFlushers(timeoutMs: number, logger?: FlusherLogger): Promise<void> {
  const flushers = [...live];
  live.clear();
  const started = Date.now();
  const stopping = Promise.allSettled(
    flushers.map(async (flusher) => {
      const name = flusher.description();
      flusher.setUrgent(true);
      logger?.info('shutdown: flusher made urgent', { flusher: name });
      try {
        await flusher.stop({ timeoutMs });
        logger?.info('shutdown: flusher stopped', { flusher: name, elapsedMs: Date.now() - started });
      } catch (error) {
        logger?.warn('shutdown: flusher stop failed', { flusher: name, error: describeError(error) });
      }
    }),
  );
  // Hard bound: a flusher whose stop ignores its timeout must not keep the process past the budget.
  await settleWithin(stopping, timeoutMs + 20);
}
