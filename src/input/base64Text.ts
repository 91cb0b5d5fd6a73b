import { bufferView } from '../shared/bufferView.ts';

/** 1 for bytes of the base64 alphabets (standard `+/` and URL-safe `-_`), 2 for line breaks, 0 otherwise. */
const CLASS = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') {
  CLASS[char.charCodeAt(0)] = 1;
}
for (const char of '\r\n') CLASS[char.charCodeAt(0)] = 2;
const PAD = 0x3d; // '='

/**
 * True when `bytes` is base64 text: only alphabet characters (standard or URL-safe), line breaks
 * (`\r`, `\n`: MIME-wrapped text, a trailing newline), at most two `=` of padding at the end, and a length that
 * a base64 encoder can produce (with padding: a multiple of 4; without: not 1 more than one).
 */
export function isBase64Text(bytes: Uint8Array): boolean {
  let symbols = 0;
  let padding = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const kind = CLASS[byte]!;
    if (kind === 2) continue;
    if (byte === PAD) {
      if (++padding > 2) return false;
      continue;
    }
    if (kind === 0 || padding > 0) return false;
    symbols++;
  }
  if (symbols === 0) return false;
  return padding > 0 ? (symbols + padding) % 4 === 0 : symbols % 4 !== 1;
}

/** Leading bytes that must all be base64 symbols before the whole payload is converted to be checked natively. */
const PREFIX_BYTES = 32;

/**
 * What `bytes` decodes to when it is base64 text ({@link isBase64Text}), else `undefined`. Text
 * as encoders write it (standard alphabet, padding, no line breaks) is recognised natively: only
 * such text decodes and re-encodes to itself. That took 0.45 ms per 240 KB SQS body where the
 * byte loop and the decode took 0.7–1.2 ms (BENCHMARKS.md, batch shapes). Other text goes through
 * the loop: unpadded text at once (its length is no multiple of 4), URL-safe or wrapped text after
 * the native attempt fails, and a binary payload, which the loop usually leaves within a few bytes.
 * `tryCanonical: false` skips the native attempt (the caller made it: {@link canonicalBase64Bytes}).
 *
 * @example
 * ```ts
 * base64TextBytes(Buffer.from('aGk=')); // <Buffer 68 69>
 * base64TextBytes(Buffer.from([0x0a, 0x05])); // undefined
 * ```
 */
export function base64TextBytes(bytes: Uint8Array, tryCanonical = true): Uint8Array | undefined {
  if (tryCanonical && mayBeCanonical(bytes.length, (i) => bytes[i]!)) {
    const decoded = canonicalDecode(bufferView(bytes).toString('latin1'));
    if (decoded !== undefined) return decoded;
  }
  return isBase64Text(bytes) ? decodeBase64Text(bytes) : undefined;
}

/**
 * What `text` decodes to when it is base64 as encoders write it (standard alphabet, padding, no
 * line breaks), else `undefined`: {@link base64TextBytes}'s native check, for a payload that is
 * already a string (an SQS body), without converting it to bytes and back first.
 *
 * @example
 * ```ts
 * canonicalBase64Bytes('aGk='); // <Buffer 68 69>
 * canonicalBase64Bytes('aGk'); // undefined: not padded (base64TextBytes accepts it)
 * ```
 */
export function canonicalBase64Bytes(text: string): Uint8Array | undefined {
  return mayBeCanonical(text.length, (i) => text.charCodeAt(i)) ? canonicalDecode(text) : undefined;
}

/** Only canonical text decodes and re-encodes to itself. */
function canonicalDecode(text: string): Buffer | undefined {
  const decoded = Buffer.from(text, 'base64');
  return decoded.toString('base64') === text ? decoded : undefined;
}

/**
 * Whether text of `length` units may be canonical base64: a non-empty multiple of 4, starting with
 * symbols (up to its last two units, which may be padding).
 */
function mayBeCanonical(length: number, unitAt: (index: number) => number): boolean {
  if (length === 0 || length % 4 !== 0) return false;
  const end = Math.min(length - 2, PREFIX_BYTES);
  for (let i = 0; i < end; i++) {
    const unit = unitAt(i);
    if (unit > 0xff || CLASS[unit] !== 1) return false;
  }
  return true;
}

/** Decode text accepted by {@link isBase64Text} (Node skips the line breaks). */
export function decodeBase64Text(bytes: Uint8Array): Uint8Array {
  return Buffer.from(bufferView(bytes).toString('latin1'), 'base64');
}
