import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableId } from '../../src/shared/stableId.ts';

/** The definition, one field part per update: what every id ever written was derived with. */
function reference(fields: readonly string[]): string {
  const hash = createHash('sha256');
  for (const field of fields)
    hash
      .update(`${Buffer.byteLength(field)}:`)
      .update(field)
      .update(';');
  return hash.digest('hex').slice(0, 32);
}

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

  it('keeps the digest of hashing each field part on its own, whatever is gathered', () => {
    // Lone surrogates, fields around the gathering size and many small ones: the keys and entry
    // ids already written must come out the same.
    const field = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.nat({ max: 4 }).map((extra) => 'é'.repeat(64 * 1024 - 2 + extra)),
      fc.constant('\ud800'),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 30 }), (fields) => {
        expect(stableId(fields)).toBe(reference(fields));
      }),
      { numRuns: 300 },
    );
    const ids = Array.from({ length: 10_000 }, (_, i) => `shardId-000000000001/4960${i}`.padEnd(70, '0'));
    expect(stableId(ids)).toBe(reference(ids));
    expect(stableId(['loggroup-flusher/s3/v2', 'shop', 'm-1'])).toBe('d98c246a372e89667cec16a4d46b208d');
  });
});
