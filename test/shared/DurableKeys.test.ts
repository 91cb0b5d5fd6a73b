import { describe, expect, it } from 'vitest';
import { DurableKeys } from '../../src/shared/DurableKeys.ts';

describe('DurableKeys', () => {
  it('remembers keys up to its capacity, forgetting the least recently confirmed first', () => {
    const keys = new DurableKeys({ capacity: 3 });
    for (const key of ['a', 'b', 'c']) keys.add(key);
    keys.add('a'); // confirmed again: now the most recent
    keys.add('d');
    expect(['a', 'b', 'c', 'd'].filter((key) => keys.has(key))).toEqual(['a', 'c', 'd']);
    expect(keys.size).toBe(3);
  });

  it('remembers nothing with capacity 0', () => {
    const keys = new DurableKeys({ capacity: 0 });
    keys.add('a');
    expect(keys.has('a')).toBe(false);
    expect(keys.size).toBe(0);
  });

  it('trusts a key only for its time to live after the last confirmation', () => {
    let now = 0;
    const keys = new DurableKeys({ ttlMs: 1_000, now: () => now });
    keys.add('a');
    now = 999;
    expect(keys.has('a')).toBe(true);
    keys.add('a');
    now = 1_998;
    expect(keys.has('a')).toBe(true);
    now = 1_999;
    expect(keys.has('a')).toBe(false);
    expect(keys.size).toBe(0);
  });
});
