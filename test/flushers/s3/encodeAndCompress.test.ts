import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeError } from '../../../src/errors.ts';
import { compressBody } from '../../../src/flushers/s3/compressBody.ts';
import { encodePartition, JSONL_CHUNK_CHARS } from '../../../src/flushers/s3/encodePartition.ts';
import { partitionByHour, sliceLogs } from '../../../src/flushers/s3/partitionByHour.ts';
import { decodeLogGroupList } from '../../../src/protocol/decodeLogGroup.ts';
import { encodeLogGroupList } from '../../../src/protocol/encodeLogGroup.ts';
import { logLineFormatter } from '../../../src/protocol/logLine.ts';
import { logGroups } from '../../helpers/arbitraries.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

const decompress = { gzip: gunzipSync, zstd: zstdDecompressSync, none: (b: Buffer) => b } as const;

describe('encodePartition', () => {
  it('protobuf: each partition is the LogGroupList of its groups (meta and tags kept) with only its logs', () => {
    fc.assert(
      fc.property(logGroups, (groups) => {
        for (const partition of partitionByHour(groups)) {
          const body = Buffer.concat([...encodePartition(partition, 'protobuf', 'p', 's')]);
          const expected = partition.slices.map((s) => ({ ...s.group, logs: [...sliceLogs(s)] }));
          expect(body).toEqual(Buffer.from(encodeLogGroupList(expected)));
          const decoded = decodeLogGroupList(body);
          expect(decoded.map((g) => g.logs.length)).toEqual(expected.map((g) => g.logs.length));
          expect(decoded.flatMap((g) => g.logs.map((l) => l.time))).toEqual(
            expected.flatMap((g) => g.logs.map((l) => l.time)),
          );
        }
      }),
      { numRuns: 50 },
    );
  });

  it('jsonl: one shared log line per log, in order, newline-terminated', () => {
    fc.assert(
      fc.property(logGroups, (groups) => {
        for (const partition of partitionByHour(groups)) {
          const text = Buffer.concat([...encodePartition(partition, 'jsonl', 'p', 's')]).toString('utf8');
          const expected = partition.slices.flatMap((s) =>
            sliceLogs(s).map(logLineFormatter(s.group, 'p', 's')),
          );
          expect(text).toBe(expected.map((line) => `${line}\n`).join(''));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('jsonl: cuts big partitions into bounded chunks', () => {
    const group = aLogGroup(Array.from({ length: 2000 }, (_, i) => ({ msg: 'x'.repeat(100), i: String(i) })));
    const chunks = [...encodePartition(partitionByHour([group])[0]!, 'jsonl', 'p', 's')];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(JSONL_CHUNK_CHARS * 2);
  });

  it('protobuf: a value that cannot be encoded is an EncodeError', () => {
    const bad = {
      ...aLogGroup(),
      logs: [{ time: 1, contents: [{ key: 'k', value: 42 as unknown as string }] }],
    };
    expect(() => [...encodePartition(partitionByHour([bad])[0]!, 'protobuf', 'p', 's')]).toThrow(EncodeError);
  });
});

describe('compressBody', () => {
  it.each(['gzip', 'zstd', 'none'] as const)(
    '%s: round-trips, and hashes the uncompressed bytes',
    async (compression) => {
      const chunks = [Buffer.from('hello '), Buffer.from('world\n'.repeat(10_000))];
      const result = await compressBody(chunks, compression);
      expect(decompress[compression](result.body)).toEqual(Buffer.concat(chunks));
      expect(result.rawBytes).toBe(Buffer.concat(chunks).length);
      const plain = await compressBody(chunks, 'none');
      expect(result.contentSha256).toBe(plain.contentSha256);
      if (compression !== 'none') expect(result.body.length).toBeLessThan(result.rawBytes / 10);
    },
  );

  it('handles an empty body', async () => {
    const result = await compressBody([], 'gzip');
    expect(gunzipSync(result.body)).toEqual(Buffer.alloc(0));
    expect(result.rawBytes).toBe(0);
  });

  it.each(['gzip', 'zstd', 'none'] as const)(
    '%s: rejects when its signal aborts once the last chunk is encoded',
    async (compression) => {
      const controller = new AbortController();
      const chunks = function* () {
        yield Buffer.from('x'.repeat(1000));
        controller.abort(new Error('deadline')); // after the last chunk, before the body is done
      };
      await expect(compressBody(chunks(), compression, controller.signal)).rejects.toThrow('deadline');
    },
  );

  it('stops when its signal aborts', async () => {
    await expect(compressBody([Buffer.from('x')], 'gzip', AbortSignal.abort())).rejects.toThrow();
    await expect(compressBody([Buffer.from('x')], 'none', AbortSignal.abort())).rejects.toThrow();
  });

  /** `count` chunks of 64 KB of barely compressible bytes: enough to keep zlib busy for a while. */
  function* noisyChunks(count: number, onChunk: (index: number) => void = () => {}): Generator<Buffer> {
    let state = 7;
    for (let index = 0; index < count; index++) {
      onChunk(index);
      const chunk = Buffer.allocUnsafe(64 * 1024);
      for (let i = 0; i < chunk.length; i++) {
        state = (state * 1103515245 + 12345) >>> 0;
        chunk[i] = 0x20 + (state >>> 26);
      }
      yield chunk;
    }
  }

  it.each(['gzip', 'zstd'] as const)(
    '%s: many chunks, encoded while zlib works, come back whole',
    async (compression) => {
      const chunks = [...noisyChunks(100)];
      const result = await compressBody(chunks, compression);
      expect(decompress[compression](result.body)).toEqual(Buffer.concat(chunks));
      expect(result.rawBytes).toBe(100 * 64 * 1024);
    },
  );

  it.each(['gzip', 'zstd'] as const)(
    '%s: rejects with the abort when its signal aborts while the encoder is ahead of zlib, and settles',
    async (compression) => {
      const controller = new AbortController();
      const pending = compressBody(
        noisyChunks(1000, (index) => {
          if (index === 40) controller.abort(new Error('deadline'));
        }),
        compression,
        controller.signal,
      );
      await expect(pending).rejects.toThrow('deadline');
    },
  );

  it.each(['gzip', 'zstd'] as const)(
    '%s: rejects when its signal aborts after the last chunk, while zlib is still at work',
    async (compression) => {
      const controller = new AbortController();
      const chunks = [...noisyChunks(60)];
      const pending = compressBody(
        (function* () {
          yield* chunks;
          queueMicrotask(() => controller.abort(new Error('deadline'))); // once compressBody waits for zlib
        })(),
        compression,
        controller.signal,
      );
      await expect(pending).rejects.toThrow('deadline');
    },
  );

  it.each(['gzip', 'zstd', 'none'] as const)(
    '%s: rejects with the encoder’s error when the chunks stop with one',
    async (compression) => {
      const failing = function* () {
        yield* noisyChunks(30);
        throw new EncodeError('logs[3].time', 'bad');
      };
      await expect(compressBody(failing(), compression)).rejects.toBeInstanceOf(EncodeError);
    },
  );
});
