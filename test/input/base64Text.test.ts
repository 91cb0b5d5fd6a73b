import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64TextBytes,
  canonicalBase64Bytes,
  decodeBase64Text,
  isBase64Text,
} from '../../src/input/base64Text.ts';

/** The rule the native shortcut must keep: the byte loop, then Node's decode. */
const byLoop = (bytes: Uint8Array) => (isBase64Text(bytes) ? decodeBase64Text(bytes) : undefined);

/** Base64 text as producers write it, and as some bend it: URL-safe, unpadded, wrapped, broken. */
const base64Variants = fc
  .tuple(
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom('plain', 'urlSafe', 'unpadded', 'wrapped', 'trailingNewline', 'badChar', 'extraPad'),
    fc.nat(),
  )
  .map(([data, variant, at]) => {
    const text = Buffer.from(data).toString('base64');
    const cut = text.length === 0 ? 0 : at % text.length;
    const bent = {
      plain: text,
      urlSafe: Buffer.from(data).toString('base64url'),
      unpadded: text.replace(/=+$/, ''),
      wrapped: text.replace(/(.{76})/g, '$1\r\n'),
      trailingNewline: `${text}\n`,
      badChar: `${text.slice(0, cut)}!${text.slice(cut)}`,
      extraPad: `${text}=`,
    }[variant]!;
    return Buffer.from(bent, 'latin1');
  });

describe('base64TextBytes', () => {
  it('decodes exactly what the byte loop accepts, to the same bytes, with or without the native attempt', () => {
    fc.assert(
      fc.property(fc.oneof(base64Variants, fc.uint8Array({ maxLength: 300 })), (bytes) => {
        const expected = byLoop(bytes);
        for (const actual of [base64TextBytes(bytes), base64TextBytes(bytes, false)]) {
          if (expected === undefined) expect(actual).toBeUndefined();
          else expect(Buffer.from(actual!).equals(Buffer.from(expected))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('recognises canonical text, and leaves protobuf and empty payloads alone', () => {
    expect(Buffer.from(base64TextBytes(Buffer.from('aGk='))!).toString()).toBe('hi');
    expect(base64TextBytes(Buffer.from([0x0a, 0x05, 0x12, 0x03]))).toBeUndefined();
    expect(base64TextBytes(new Uint8Array(0))).toBeUndefined();
    expect(base64TextBytes(Buffer.from('===='))).toBeUndefined();
  });
});

describe('canonicalBase64Bytes', () => {
  it('decodes text as encoders write it, to what the byte loop gives, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(base64Variants, fc.uint8Array({ maxLength: 300 })),
        fc.boolean(),
        (bytes, asUtf8) => {
          const text = Buffer.from(bytes).toString(asUtf8 ? 'utf8' : 'latin1');
          const canonical = text.length > 0 && Buffer.from(text, 'base64').toString('base64') === text;
          const actual = canonicalBase64Bytes(text);
          if (!canonical) expect(actual).toBeUndefined();
          else
            expect(Buffer.from(actual!).equals(Buffer.from(byLoop(Buffer.from(text, 'latin1'))!))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    expect(Buffer.from(canonicalBase64Bytes('aGk=')!).toString()).toBe('hi');
    expect(canonicalBase64Bytes('aGk')).toBeUndefined(); // unpadded: base64TextBytes' loop takes it
    expect(canonicalBase64Bytes(`${'Ā'.repeat(4)}`)).toBeUndefined(); // chars beyond a byte
  });
});
