import { DecodeError } from '../errors.ts';
import { bufferView } from '../shared/bufferView.ts';
import { keepShapeAlive } from '../shared/keepShapeAlive.ts';

/** Protobuf wire types. Groups (3, 4) are deprecated but must still be skippable. */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  startGroup: 3,
  endGroup: 4,
  fixed32: 5,
} as const;

/** Deepest nesting of deprecated groups inside an unknown field before the payload is refused. */
const MAX_GROUP_DEPTH = 64;

/** Longest string {@link ProtoReader.internedString} caches; longer ones are decoded every time. */
const MAX_INTERNED_LENGTH = 32;
/** Slots in the intern table (a power of two): far more than the distinct keys of a typical logstore. */
const INTERN_SLOTS = 1024;
/**
 * Direct-mapped cache of short ASCII strings shared by all readers: content keys repeat in every
 * log, so a hit returns the same string instead of allocating one. Bounded (1024 strings of at most
 * 32 chars) and holding only strings created for it, never views into a decoded buffer.
 */
const internTable: string[] = new Array<string>(INTERN_SLOTS).fill('');
/**
 * A Log gets a text window only if, in the Log before it, non-ASCII string bytes were at most
 * 1/WINDOW_MIN_ASCII_RATIO of the ASCII ones: with mostly non-ASCII text (CJK logs, say) the window
 * is a wasted copy and measured slower than plain UTF-8 decoding.
 */
const WINDOW_MIN_ASCII_RATIO = 3;

/**
 * A cursor over protobuf bytes. Every read is bounds-checked against `end` and fails with a
 * DecodeError naming the field and byte offset; nothing here can loop forever.
 */
export class ProtoReader {
  pos: number;
  end: number;
  #bytes: Uint8Array;
  #buffer: Buffer;
  /** Bytes [#textStart, #textEnd) as text, one char per byte (right for ASCII bytes only): see {@link textWindow}. */
  #text = '';
  #textStart = 0;
  #textEnd = 0;
  /** String bytes read since the last window, pure ASCII or not: decides whether the next one pays off. */
  #asciiBytes = 0;
  #otherBytes = 0;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#buffer = bufferView(bytes);
    this.pos = start;
    this.end = end;
  }

  /** Read other bytes from now on, as a new reader would (for a hot loop that would make one per payload). */
  reset(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.#bytes = bytes;
    this.#buffer = bufferView(bytes);
    this.pos = start;
    this.end = end;
    this.#text = '';
    this.#textStart = 0;
    this.#textEnd = 0;
    this.#asciiBytes = 0;
    this.#otherBytes = 0;
  }

  /** The bytes being read. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** Read a varint as a uint32 (higher bits discarded, as protobuf does for uint32 fields). */
  uint32(field: string): number {
    const bytes = this.#bytes;
    let pos = this.pos;
    let value = 0;
    // Up to 10 bytes are legal (negative int32/int64 encodings); only the low 32 bits are kept.
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= this.end) throw new DecodeError(field, this.pos, 'truncated varint');
      const byte = bytes[pos++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new DecodeError(field, this.pos, 'varint longer than 10 bytes');
  }

  fixed32(field: string): number {
    if (this.pos + 4 > this.end) throw new DecodeError(field, this.pos, 'truncated fixed32');
    const b = this.#bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** Read a length prefix and return the end offset of the delimited bytes. */
  delimitedEnd(field: string): number {
    const at = this.pos;
    const length = this.uint32(field);
    const end = this.pos + length;
    if (end > this.end) throw new DecodeError(field, at, `length ${length} runs past the end of its message`);
    return end;
  }

  /**
   * Prepare to read many strings from bytes [start, end) (one Log). One native call turns the
   * whole range into text; each pure-ASCII string inside it then becomes a substring of that text,
   * which is several times cheaper than a native UTF-8 decode per string (measured: BENCHMARKS.md).
   * Strings of 13+ chars are V8 slices that share the window's text, so keeping one value alive
   * keeps at most its Log's text alive: bounded, unlike a window over the whole payload would be.
   * Skipped when the previous Log's strings were mostly non-ASCII (see WINDOW_MIN_ASCII_RATIO).
   */
  textWindow(start: number, end: number): void {
    const worthIt = this.#otherBytes * WINDOW_MIN_ASCII_RATIO <= this.#asciiBytes;
    this.#asciiBytes = 0;
    this.#otherBytes = 0;
    if (worthIt) {
      this.#text = this.#buffer.toString('ascii', start, end);
      this.#textStart = start;
      this.#textEnd = end;
    } else {
      // An empty window (no string has start >= 1 and end <= 0); integers keep the fields' shape.
      this.#text = '';
      this.#textStart = 1;
      this.#textEnd = 0;
    }
  }

  /** Read a string; invalid UTF-8 decodes with U+FFFD replacement (WHATWG), never an error. */
  string(field: string): string {
    const end = this.delimitedEnd(field);
    const start = this.pos;
    this.pos = end;
    if (start >= this.#textStart && end <= this.#textEnd) {
      const b = this.#bytes;
      let or = 0;
      for (let i = start; i < end; i++) or |= b[i]!;
      if (or < 0x80) {
        this.#asciiBytes += end - start;
        return this.#text.substring(start - this.#textStart, end - this.#textStart);
      }
      this.#otherBytes += end - start;
      return this.#buffer.toString('utf8', start, end);
    }
    const value = this.#buffer.toString('utf8', start, end);
    // As many chars as bytes: ASCII (or U+FFFD replacements, rare enough to count as ASCII here).
    if (value.length === end - start) this.#asciiBytes += end - start;
    else this.#otherBytes += end - start;
    return value;
  }

  /**
   * Read a string that is likely to repeat (a content or tag key) through the intern table.
   * A slot hit is checked byte by byte: only an all-ASCII string can match its bytes char for char,
   * so a hit is always the exact decoding.
   */
  internedString(field: string): string {
    const end = this.delimitedEnd(field);
    const start = this.pos;
    this.pos = end;
    const length = end - start;
    if (length > MAX_INTERNED_LENGTH || length === 0) return this.#buffer.toString('utf8', start, end);
    const b = this.#bytes;
    // Length and four sampled bytes: cheap, and tells apart keys like remote_addr / remote_user.
    const slot =
      (length * 61 +
        b[start]! * 31 +
        b[end - 1]! * 7 +
        b[start + (length >> 1)]! * 3 +
        b[start + ((3 * length) >> 2)]!) &
      (INTERN_SLOTS - 1);
    const cached = internTable[slot]!;
    if (cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === b[start + i]) i++;
      if (i === length) return cached;
    }
    const value = this.#buffer.toString('utf8', start, end);
    // Same length in chars as in bytes: ASCII (or U+FFFD, which can never match a byte), worth caching.
    if (value.length === length) internTable[slot] = value;
    return value;
  }

  /** Read a tag; returns `fieldNumber << 3 | wireType`. Field number 0 and wire types 6/7 are malformed. */
  tag(message: string): number {
    const at = this.pos;
    const tag = this.uint32(message);
    if (tag >>> 3 === 0) throw new DecodeError(message, at, 'field number 0');
    if ((tag & 7) > 5) throw new DecodeError(message, at, `invalid wire type ${tag & 7}`);
    return tag;
  }

  /** Skip the value of an unknown field of any wire type, deprecated groups included. */
  skip(tag: number, message: string): void {
    const openGroups: number[] = [];
    for (;;) {
      const field = `${message}.#${tag >>> 3}`;
      switch (tag & 7) {
        case WireType.varint:
          this.uint32(field);
          break;
        case WireType.fixed64:
          this.#advance(8, field);
          break;
        case WireType.lengthDelimited:
          this.pos = this.delimitedEnd(field);
          break;
        case WireType.fixed32:
          this.#advance(4, field);
          break;
        case WireType.startGroup:
          if (openGroups.length >= MAX_GROUP_DEPTH)
            throw new DecodeError(field, this.pos, 'groups nested too deeply');
          openGroups.push(tag >>> 3);
          break;
        case WireType.endGroup:
          if (openGroups.pop() !== tag >>> 3)
            throw new DecodeError(field, this.pos, 'end-group without its start-group');
          break;
      }
      if (openGroups.length === 0) return;
      if (this.pos >= this.end) throw new DecodeError(field, this.pos, 'unterminated group');
      tag = this.tag(message);
    }
  }

  #advance(count: number, field: string): void {
    if (this.pos + count > this.end) throw new DecodeError(field, this.pos, `truncated ${count}-byte value`);
    this.pos += count;
  }
}

keepShapeAlive(new ProtoReader(new Uint8Array(0)));
