import { createHash } from 'node:crypto';
import { seededRandom } from '../../src/cli/sampleLogs.ts';

/** A seeded source of randomness: the same seed replays the same run (timing aside). */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A key drawn with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** An independent stream named `label`: what one part draws never shifts another part's draws. */
  fork(label: string): Random;
}

export function createRandom(seed: number): Random {
  const next = seededRandom(seed);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (weights) => {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>;
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let point = next() * total;
      for (const [key, weight] of entries) {
        point -= weight;
        if (point < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    fork: (label) => createRandom(createHash('sha256').update(`${seed}/${label}`).digest().readUInt32LE(0)),
  };
}
