import { describe, expect, it } from 'vitest';
import { settleWithin } from '../../src/shared/settleWithin.ts';

describe('settleWithin', () => {
  it('tells whether the work settled in time, and never rejects', async () => {
    expect(await settleWithin(Promise.reject(new Error('x')), 50)).toBe(true);
    expect(await settleWithin(new Promise(() => {}), 10)).toBe(false);
  });
});
