import { DecodeError } from '../errors.ts';

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

/** Below this length a JS loop beats a native UTF-8 decode call for pure-ASCII strings (measured in bench/). */
const SHORT_STRING = 24;

/**
 * A cursor over protobuf bytes. Every read is bounds-checked against `end` and fails with a
 * DecodeError naming the field and byte offset; nothing here can loop forever.
 */
export class ProtoReader {
  pos: number;
  end: number;
  readonly #bytes: Uint8Array;
  readonly #buffer: Buffer;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
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

  string(field: string): string {
    const end = this.delimitedEnd(field);
    const start = this.pos;
    this.pos = end;
    if (end - start < SHORT_STRING) {
      const bytes = this.#bytes;
      let ascii = '';
      for (let i = start; i < end; i++) {
        const byte = bytes[i]!;
        if (byte >= 0x80) return this.#buffer.toString('utf8', start, end);
        ascii += String.fromCharCode(byte);
      }
      return ascii;
    }
    // Invalid UTF-8 decodes with U+FFFD replacement (WHATWG), never an error.
    return this.#buffer.toString('utf8', start, end);
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
