import { DecodeError, UnsupportedFormatError } from '../errors.ts';

/** Magic number of a zstd frame (RFC 8878 §3.1.1), little-endian on the wire: `28 b5 2f fd`. */
const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames use the 16 magic numbers `0x184D2A50`..`0x184D2A5F` (RFC 8878 §3.1.2). */
const SKIPPABLE_MAGIC = 0x184d2a50;
const SKIPPABLE_MASK = 0xfffffff0;
const DICTIONARY_ID_BYTES = [0, 1, 2, 4] as const;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_RESERVED = 3;
/**
 * Frames (skippable ones included) accepted in one payload. Each frame is decompressed by its own
 * zlib call (about 25 µs each), so this bounds the time a payload of tiny frames can cost.
 */
export const MAX_ZSTD_FRAMES = 4096;

/** One data frame: where it lies in the payload and the content size its header declares, if any. */
export interface ZstdFrame {
  start: number;
  end: number;
  contentSize: number | undefined;
}

/** What the frame headers of a zstd payload declare, read before anything is decompressed. */
export interface ZstdFramesInfo {
  /** The data frames, in order (skippable frames left out). */
  frames: ZstdFrame[];
  /** Sum of every frame's declared content size; `undefined` when some frame does not declare it. */
  contentSize: number | undefined;
  /** The largest window (history buffer) any frame asks the decoder to allocate, in bytes. */
  windowSize: number;
}

/**
 * Walk the frame and block headers of a zstd payload without decompressing it, and check that the
 * payload is made of complete frames only.
 *
 * Why by hand: Node's `zstdDecompressSync` (checked on 22.23) returns whatever it decoded so far,
 * often nothing, for a truncated frame instead of failing, and of several concatenated frames it
 * usually decodes only the first: either would silently drop data. The walk finds the frame
 * boundaries (so each frame is decompressed on its own) at the cost of one read per block header.
 */
export function inspectZstdFrames(bytes: Uint8Array): ZstdFramesInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let contentSize: number | undefined = 0;
  let windowSize = 0;
  let count = 0;
  const frames: ZstdFrame[] = [];
  const need = (count: number, what: string): void => {
    if (pos + count > bytes.length) throw new DecodeError('zstd', pos, `truncated ${what}`);
  };
  while (pos < bytes.length) {
    if (++count > MAX_ZSTD_FRAMES) {
      throw new UnsupportedFormatError(`zstd payload with more than ${MAX_ZSTD_FRAMES} frames`);
    }
    const start = pos;
    need(4, 'frame magic number');
    const magic = view.getUint32(pos, true);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(8, 'skippable frame header');
      const size = view.getUint32(pos + 4, true);
      pos += 8;
      need(size, 'skippable frame');
      pos += size;
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      throw new DecodeError(
        'zstd',
        pos,
        pos === 0 ? 'not a zstd frame' : 'unexpected bytes after the last frame',
      );
    }
    pos += 4;
    need(1, 'frame header');
    const descriptor = bytes[pos++]!;
    const contentSizeFlag = descriptor >> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    const hasChecksum = (descriptor & 0x04) !== 0;
    if ((descriptor & 0x08) !== 0) throw new DecodeError('zstd', pos - 1, 'reserved frame header bit set');
    let frameWindow = 0;
    if (!singleSegment) {
      need(1, 'window descriptor');
      const descriptorByte = bytes[pos++]!;
      const base = 2 ** (10 + (descriptorByte >> 3));
      frameWindow = base + (base / 8) * (descriptorByte & 7);
    }
    const dictionaryBytes = DICTIONARY_ID_BYTES[descriptor & 3]!;
    need(dictionaryBytes, 'dictionary id');
    pos += dictionaryBytes;
    const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]!;
    need(sizeBytes, 'frame content size');
    let frameContentSize: number | undefined;
    if (sizeBytes === 1) frameContentSize = bytes[pos]!;
    else if (sizeBytes === 2) frameContentSize = view.getUint16(pos, true) + 256;
    else if (sizeBytes === 4) frameContentSize = view.getUint32(pos, true);
    else if (sizeBytes === 8)
      frameContentSize = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32;
    pos += sizeBytes;
    if (singleSegment) frameWindow = frameContentSize!;
    windowSize = Math.max(windowSize, frameWindow);
    contentSize =
      contentSize === undefined || frameContentSize === undefined
        ? undefined
        : contentSize + frameContentSize;
    for (let last = false; !last; ) {
      need(3, 'block header');
      const header = bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16);
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      if (type === BLOCK_TYPE_RESERVED) throw new DecodeError('zstd', pos, 'reserved block type');
      pos += 3;
      const blockBytes = type === BLOCK_TYPE_RLE ? 1 : header >>> 3;
      need(blockBytes, 'block');
      pos += blockBytes;
    }
    if (hasChecksum) {
      need(4, 'content checksum');
      pos += 4;
    }
    frames.push({ start, end: pos, contentSize: frameContentSize });
  }
  return { frames, contentSize, windowSize };
}
