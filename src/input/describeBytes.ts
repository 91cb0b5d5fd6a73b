/**
 * Error messages about a payload may show where it starts, never its contents in bulk: at most
 * this many characters, JSON-escaped (or this many bytes' worth of hex when it is binary).
 */
export const PREFIX_CHARS = 32;

/** `"text…"`: the first {@link PREFIX_CHARS} characters of `text`, JSON-escaped. */
export function quotePrefix(text: string): string {
  return text.length > PREFIX_CHARS
    ? `${JSON.stringify(text.slice(0, PREFIX_CHARS))}…`
    : JSON.stringify(text);
}

/**
 * How a payload starts, for error messages: quoted text when its first bytes are printable
 * ASCII, otherwise their hex (binary prefixes are less readable and shorter that way).
 */
export function describePrefix(bytes: Uint8Array): string {
  const end = Math.min(bytes.length, PREFIX_CHARS);
  let printable = true;
  for (let i = 0; i < end && printable; i++) {
    const byte = bytes[i]!;
    printable = (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
  }
  if (bytes.length === 0) return 'an empty payload';
  if (printable) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
    return `text ${JSON.stringify(text)}${bytes.length > end ? '…' : ''}`;
  }
  const hexEnd = Math.min(bytes.length, PREFIX_CHARS / 2);
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, hexEnd).toString('hex');
  return `bytes 0x${hex}${bytes.length > hexEnd ? '…' : ''}`;
}
