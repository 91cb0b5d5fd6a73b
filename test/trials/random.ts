import { createHash } from 'node:crypto';
import { seededRandom } from '../../src/cli/sampleLogs.ts';

/** A seeded source of randomness: the same seed draws the same trials (timing aside). */
export interface TrialRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An independent stream for `label`: one trial's draws never shift another's. */
  fork(label: string): TrialRandom;
}

export function trialRandom(seed: number): TrialRandom {
  const next = seededRandom(seed);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    fork: (label) => trialRandom(createHash('sha256').update(`${seed}/${label}`).digest().readUInt32LE(0)),
  };
}
