import { constants, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeError, PoisonRecordError, SizeLimitError, UnsupportedFormatError } from '../../src/errors.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decodePayload } from '../../src/input/decodePayload.ts';
import { MAX_ZSTD_FRAMES } from '../../src/input/zstdFrames.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { aLogGroup } from '../helpers/logGroups.ts';
import { AUTO, base64, gzip, zstd } from './helpers/payloads.ts';

const MiB = 1024 * 1024;
const list = encodeLogGroupList([aLogGroup(), aLogGroup([{ a: 'b' }])]);
const withLimit = (maxDecompressedBytes: number) => ({ format: 'auto', maxDecompressedBytes }) as const;

function thrown(run: () => unknown): PoisonRecordError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PoisonRecordError);
    return error as PoisonRecordError;
  }
  throw new Error('expected a PoisonRecordError');
}

/** A gzip stream of 1024 members, each 1 MiB of zeros: about 1 MB that inflates to 1 GiB. */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: 1024 }, () => member));
}

/** 1024 zstd frames of 1 MiB of zeros each, without a declared content size: inflates to 1 GiB. */
function zstdBomb(): Buffer {
  const frame = zstdCompressSync(Buffer.alloc(MiB), { params: { [constants.ZSTD_c_contentSizeFlag]: 0 } });
  return Buffer.concat(Array.from({ length: 1024 }, () => frame));
}

describe('decompression limits', () => {
  it('refuses a 1 MB gzip bomb that inflates to 1 GiB while inflating', () => {
    const bomb = gzipBomb();
    expect(bomb.length).toBeGreaterThan(1_000_000);
    const error = thrown(() => decodePayload(bomb, AUTO));
    expect(error).toBeInstanceOf(SizeLimitError);
    expect((error as SizeLimitError).limit).toBe(DEFAULT_MAX_DECOMPRESSED_BYTES);
    expect(error.message).toContain('stopped while inflating');
    // The same bomb as an SQS body (base64 text) is refused the same way.
    expect(thrown(() => decodePayload(base64(bomb), withLimit(8 * MiB)))).toBeInstanceOf(SizeLimitError);
  });

  it('refuses a zstd bomb without declared sizes while inflating', () => {
    const error = thrown(() => decodePayload(zstdBomb(), AUTO));
    expect(error).toBeInstanceOf(SizeLimitError);
    expect(error.message).toContain('stopped while inflating');
  });

  it('refuses a zstd payload whose declared content size is over the limit before decompressing', () => {
    const error = thrown(() => decodePayload(zstd(Buffer.alloc(2 * MiB)), withLimit(MiB)));
    expect(error).toBeInstanceOf(SizeLimitError);
    expect(error.message).toContain('declares 2097152 bytes');
  });

  it('refuses a zstd frame asking for a window larger than the limit allows', () => {
    // Frame header without content size and a 2^27-byte window, then one empty last raw block.
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 17 << 3, 0x01, 0x00, 0x00]);
    for (const limit of [MiB, DEFAULT_MAX_DECOMPRESSED_BYTES]) {
      const error = thrown(() => decodePayload(frame, withLimit(limit)));
      expect(error).toBeInstanceOf(SizeLimitError);
      expect(error.message).toContain('134217728-byte window');
    }
  });

  it('bounds every layer of nested compression', () => {
    const inner = gzip(Buffer.alloc(2 * MiB));
    expect(thrown(() => decodePayload(gzip(inner), withLimit(MiB)))).toBeInstanceOf(SizeLimitError);
    expect(thrown(() => decodePayload(zstd(inner), withLimit(MiB)))).toBeInstanceOf(SizeLimitError);
  });
});

describe('compressed stream integrity', () => {
  it('refuses a truncated zstd frame that Node would decode to nothing', () => {
    const compressed = zstd(list);
    for (const cut of [5, 10, compressed.length - 1]) {
      expect(thrown(() => decodePayload(compressed.subarray(0, cut), AUTO))).toBeInstanceOf(DecodeError);
    }
  });

  it('refuses bytes after the last zstd frame, and accepts skippable frames and checksums', () => {
    expect(
      thrown(() => decodePayload(Buffer.concat([zstd(list), Buffer.from('junk')]), AUTO)).message,
    ).toContain('after the last frame');
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const checked = zstdCompressSync(list, { params: { [constants.ZSTD_c_checksumFlag]: 1 } });
    expect(decodePayload(Buffer.concat([checked, skippable, zstd(list)]), AUTO).groups).toHaveLength(4);
  });

  it('decodes every frame of a multi-frame zstd payload, declared sizes or not', () => {
    const noSize = zstdCompressSync(list, { params: { [constants.ZSTD_c_contentSizeFlag]: 0 } });
    const payload = Buffer.concat([noSize, zstd(list), noSize]);
    expect(decodePayload(payload, AUTO)).toMatchObject({ format: 'zstd+protobuf' });
    expect(decodePayload(payload, AUTO).groups).toHaveLength(6);
  });

  it('refuses a payload of more zstd frames than it decompresses one by one', () => {
    const tiny = zstd('');
    const payload = Buffer.concat(Array.from({ length: MAX_ZSTD_FRAMES + 1 }, () => tiny));
    expect(thrown(() => decodePayload(payload, AUTO))).toBeInstanceOf(UnsupportedFormatError);
  });

  it('refuses a zstd frame whose compressed content is corrupted', () => {
    const text = Buffer.from(Array.from({ length: 2000 }, (_, i) => `line ${i} ${i % 7}`).join('\n'));
    const compressed = zstdCompressSync(text, { params: { [constants.ZSTD_c_checksumFlag]: 1 } });
    const corrupted = Buffer.from(compressed);
    corrupted[Math.floor(corrupted.length / 2)]! ^= 0xff;
    expect(thrown(() => decodePayload(corrupted, AUTO))).toBeInstanceOf(DecodeError);
  });

  it('decodes concatenated gzip members and refuses truncated gzip or trailing garbage', () => {
    expect(decodePayload(Buffer.concat([gzip(list), gzip(list)]), AUTO).groups).toHaveLength(4);
    const compressed = gzip(list);
    expect(thrown(() => decodePayload(compressed.subarray(0, compressed.length - 1), AUTO))).toBeInstanceOf(
      DecodeError,
    );
    expect(
      thrown(() => decodePayload(Buffer.concat([compressed, Buffer.from('junk')]), AUTO)),
    ).toBeInstanceOf(DecodeError);
  });
});
