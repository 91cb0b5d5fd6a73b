import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableId } from '../../src/shared/stableId.ts';

describe('stableId', () => {
  it('separates fields unambiguously', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.string()), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(stableId(a)).not.toBe(stableId(b));
      }),
    );
    expect(stableId(['ab', 'c'])).not.toBe(stableId(['a', 'bc']));
    expect(stableId(['x'])).toMatch(/^[0-9a-f]{32}$/);
  });
});
