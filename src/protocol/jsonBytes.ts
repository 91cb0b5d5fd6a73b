import { isUtf8 } from 'node:buffer';

/*
 * Writing JSON text as bytes, straight into a Buffer: what EncodedLogLineWriter uses, and the shape
 * grid's bytes path (bench/lib/bytesPath.ts) with it.
 */

/** What `JSON.stringify` writes for each ASCII byte inside a string: `undefined` when the byte itself. */
const ESCAPES: readonly (Uint8Array | undefined)[] = Array.from({ length: 0x80 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  const escaped = JSON.stringify(char).slice(1, -1);
  return escaped === char ? undefined : Buffer.from(escaped, 'latin1');
});
/** The longest escape (`\u001f`): no byte of a string turns into more output bytes than this. */
export const MAX_BYTES_PER_BYTE = 6;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Copy short `from` into `out` at `o` (a loop: cheaper than a native call for a few bytes). */
export function copyBytes(from: Uint8Array, out: Buffer, o: number): number {
  for (let i = 0; i < from.length; i++) out[o++] = from[i]!;
  return o;
}

/** `value` in decimal ASCII (0 … 4294967295). */
export function writeUint32(value: number, out: Buffer, o: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let p = o + digits;
  let rest = value;
  do {
    out[--p] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  return o + digits;
}

/**
 * The bytes `[start, end)` as the inside of a JSON string, escaped as `JSON.stringify` escapes
 * them; -1 when they are not valid UTF-8 (the decoder would replace bytes: the caller formats).
 */
export function writeJsonStringBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Buffer,
  o: number,
): number {
  let nonAscii = false;
  for (let j = start; j < end; j++) {
    const byte = bytes[j]!;
    if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) {
      if (byte >= 0x80) nonAscii = true;
      out[o++] = byte;
    } else {
      o = copyBytes(ESCAPES[byte]!, out, o);
    }
  }
  if (nonAscii && !isUtf8(bytes.subarray(start, end))) return -1;
  return o;
}
