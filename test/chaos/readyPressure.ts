import type { Flusher } from '../../src/flusher/Flusher.ts';
import type { FlusherSource } from '../../src/runtime/FlusherHolder.ts';
import type { Random } from '../helpers/random.ts';

/** Counts what the pressure did, and how often the runtime made the flusher urgent. */
export interface PressureStats {
  notReady: number;
  /** `setUrgent(false)`: an invocation reached its urgency margin (deadline) with this flusher. */
  deadlines: number;
}

/**
 * Wrap a flusher source so that `isReady` answers false for a random `share` of the calls (a
 * destination under back-pressure), on top of the flusher's own answer. Everything else is the
 * real flusher's (`decorate`, for the checker's self-test, may replace that).
 */
export function withReadyPressure(
  source: FlusherSource,
  random: Random,
  share: number,
  stats: PressureStats,
  decorate: (flusher: Flusher) => Flusher = (flusher) => flusher,
): () => Flusher {
  return () => {
    const inner = decorate(typeof source === 'function' ? source() : source);
    return {
      init: (context) => inner.init(context),
      description: () => inner.description(),
      isReady: (project, logstore, logstoreKey) => {
        if (random.chance(share)) {
          stats.notReady++;
          return false;
        }
        return inner.isReady(project, logstore, logstoreKey);
      },
      flush: (project, logstore, configName, logGroups, options) =>
        inner.flush(project, logstore, configName, logGroups, options),
      setUrgent: (flag) => {
        if (!flag) stats.deadlines++;
        inner.setUrgent(flag);
      },
      stop: (options) => inner.stop(options),
    };
  };
}
