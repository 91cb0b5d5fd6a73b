import { crc32, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The real `deflateRaw`, watched: how many jobs are running and how large their input was, a way
 * to make the next one fail, and a gate that holds every job's answer until it opens.
 */
const jobs = vi.hoisted(() => ({
  running: 0,
  inputs: [] as number[],
  failNext: undefined as Error | undefined,
  gate: undefined as Promise<void> | undefined,
  openGate: () => {},
}));
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  const deflateRaw = (
    input: Buffer,
    options: object,
    callback: (error: Error | null, output: Buffer) => void,
  ) => {
    const failure = jobs.failNext;
    const gate = jobs.gate;
    jobs.failNext = undefined;
    jobs.running++;
    jobs.inputs.push(input.length);
    zlib.deflateRaw(input, options, async (error, output) => {
      await gate;
      jobs.running--;
      callback(failure ?? error, output);
    });
  };
  return { ...zlib, deflateRaw };
});

/** Hold every job's answer from now on until the returned function is called. */
function holdJobs(): () => void {
  let open = () => {};
  jobs.gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  jobs.openGate = () => {
    jobs.gate = undefined;
    open();
  };
  return jobs.openGate;
}

import { getEventListeners } from 'node:events';
import { compressBody } from '../../../src/flushers/s3/compressBody.ts';
import { GZIP_SEGMENT_BYTES, ParallelGzip } from '../../../src/flushers/s3/ParallelGzip.ts';

async function gzip(
  chunks: Iterable<Uint8Array>,
  aheadBytes = 1 << 20,
  signal?: AbortSignal,
): Promise<Buffer> {
  const compressor = new ParallelGzip(aheadBytes, signal);
  try {
    for (const chunk of chunks) await compressor.write(chunk);
    return await compressor.end();
  } catch (error) {
    await compressor.destroy();
    throw error;
  }
}

/** Log-like text: compressible, with repeats that reach across segment cuts. */
function logText(bytes: number, seed: number): Buffer {
  const words = ['GET', 'POST', '/api/v1/orders', '/static/app.js', '200', '404', 'Mozilla/5.0', 'curl/8.4'];
  let state = seed >>> 0;
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    state = (state * 1103515245 + 12345) >>> 0;
    const word = `${words[state % words.length]} ${state >>> 20} `;
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Chunks of varied sizes (empty ones too) over `text`, cut at the given fractions. */
const cutText = fc
  .record({
    bytes: fc.integer({ min: 0, max: 3 * GZIP_SEGMENT_BYTES }),
    seed: fc.nat(),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
    uint8: fc.boolean(),
  })
  .map(({ bytes, seed, cuts, uint8 }) => {
    const text = logText(bytes, seed);
    const at = [0, ...cuts.map((cut) => Math.floor(cut * bytes)).sort((a, b) => a - b), bytes];
    const chunks = at.slice(1).map((end, i) => text.subarray(at[i], end));
    // Plain Uint8Arrays (views into a larger buffer) as well as Buffers.
    return {
      text,
      chunks: uint8 ? chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.length)) : chunks,
    };
  });

describe('ParallelGzip', () => {
  afterEach(() => {
    jobs.openGate(); // a failed test must not leave later ones held
    expect(jobs.running).toBe(0);
  });

  it('is one gzip member that gunzip reads back to the input, with its CRC-32 and size', async () => {
    await fc.assert(
      fc.asyncProperty(cutText, async ({ text, chunks }) => {
        const body = await gzip(chunks);
        expect(gunzipSync(body)).toEqual(text);
        expect(body.subarray(0, 10)).toEqual(gzipSync(Buffer.alloc(0)).subarray(0, 10));
        // One deflate stream that ends (final block) exactly where the 8-byte trailer starts.
        const { buffer, engine } = inflateRawSync(body.subarray(10), { info: true }) as unknown as {
          buffer: Buffer;
          engine: { bytesWritten: number };
        };
        expect(buffer).toEqual(text);
        expect(engine.bytesWritten).toBe(body.length - 18);
        expect(body.readUInt32LE(body.length - 8)).toBe(crc32(text));
        expect(body.readUInt32LE(body.length - 4)).toBe(text.length);
      }),
      { numRuns: 40 },
    );
  });

  it('compresses as well as one gzip stream, within 0.5 %, and gives the same bytes for the same chunks', async () => {
    const text = logText(24 * GZIP_SEGMENT_BYTES, 7);
    const chunks = Array.from({ length: 12 }, (_, i) =>
      text.subarray(i * 2 * GZIP_SEGMENT_BYTES, (i + 1) * 2 * GZIP_SEGMENT_BYTES),
    );
    const body = await gzip(chunks);
    expect(gunzipSync(body)).toEqual(text);
    expect(body.length).toBeLessThan(gzipSync(text).length * 1.005);
    expect(await gzip(chunks)).toEqual(body);
  });

  it('keeps matches across a segment cut: the second of two equal segments costs almost nothing', async () => {
    const segment = logText(GZIP_SEGMENT_BYTES, 3).subarray(0, 30_000);
    const once = await gzip([segment]);
    const padded = Buffer.concat([logText(GZIP_SEGMENT_BYTES, 5), segment]);
    const twice = await gzip([padded, segment]);
    const paddedAlone = await gzip([padded]);
    expect(gunzipSync(twice)).toEqual(Buffer.concat([padded, segment]));
    // Without the dictionary the repeat would cost about `once` again.
    expect(twice.length - paddedAlone.length).toBeLessThan(once.length / 10);
  });

  it('compresses an empty body', async () => {
    expect(gunzipSync(await gzip([]))).toEqual(Buffer.alloc(0));
    expect(gunzipSync(await gzip([Buffer.alloc(0)]))).toEqual(Buffer.alloc(0));
  });

  it('cuts a large chunk into jobs of at most 256 KiB, several in flight at once', async () => {
    jobs.inputs = [];
    let mostRunning = 0;
    const text = logText(24 * GZIP_SEGMENT_BYTES, 11);
    const compressor = new ParallelGzip(1 << 20);
    const watch = setInterval(() => {
      mostRunning = Math.max(mostRunning, jobs.running);
    }, 0);
    await compressor.write(text);
    const body = await compressor.end();
    clearInterval(watch);
    expect(gunzipSync(body)).toEqual(text);
    expect(Math.max(...jobs.inputs)).toBeLessThanOrEqual(256 * 1024);
    expect(jobs.inputs.reduce((a, b) => a + b, 0)).toBe(text.length);
    expect(mostRunning).toBeGreaterThan(1);
  });

  it('compressBody rejects with the abort’s reason once no job is running', async () => {
    const controller = new AbortController();
    const chunks = function* () {
      for (let i = 0; i < 64; i++) {
        if (i === 20) controller.abort(new Error('deadline'));
        yield logText(GZIP_SEGMENT_BYTES, i);
      }
    };
    await expect(compressBody(chunks(), 'gzip', controller.signal)).rejects.toThrow('deadline');
    expect(jobs.running).toBe(0);
  });

  it('wakes on abort while waiting for room, before the jobs in flight answer', async () => {
    const controller = new AbortController();
    const compressor = new ParallelGzip(GZIP_SEGMENT_BYTES, controller.signal);
    const open = holdJobs();
    await compressor.write(logText(GZIP_SEGMENT_BYTES, 1)); // in flight: exactly the room
    const waiting = compressor.write(logText(GZIP_SEGMENT_BYTES, 2)); // over it: waits
    setTimeout(() => controller.abort(new Error('deadline')), 5);
    await expect(waiting).rejects.toThrow('deadline');
    expect(jobs.running).toBe(2); // still held: woken by the abort itself
    open();
    await compressor.destroy();
    expect(jobs.running).toBe(0);
  });

  it('rejects end() on abort while its last jobs run; destroy waits for them', async () => {
    const controller = new AbortController();
    const compressor = new ParallelGzip(1 << 30, controller.signal);
    const open = holdJobs();
    for (let i = 0; i < 4; i++) await compressor.write(logText(GZIP_SEGMENT_BYTES, i));
    const ending = compressor.end();
    controller.abort(new Error('deadline'));
    await expect(ending).rejects.toThrow('deadline');
    expect(jobs.running).toBe(5);
    let destroyed = false;
    const destroying = compressor.destroy().then(() => {
      destroyed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(destroyed).toBe(false);
    open();
    await destroying;
    expect(jobs.running).toBe(0);
  });

  it('rejects with a failed job’s error, once none is running', async () => {
    const chunks = function* () {
      for (let i = 0; i < 16; i++) {
        if (i === 6) jobs.failNext = new Error('zlib out of memory');
        yield logText(GZIP_SEGMENT_BYTES, i);
      }
    };
    await expect(gzip(chunks())).rejects.toThrow('zlib out of memory');
    expect(jobs.running).toBe(0);
  });

  it('leaves no listener on a long-lived signal, whether it ends, fails or is destroyed', async () => {
    const signal = new AbortController().signal;
    await gzip([logText(3 * GZIP_SEGMENT_BYTES, 1)], 1 << 20, signal);
    jobs.failNext = new Error('zlib out of memory');
    await expect(gzip([logText(3 * GZIP_SEGMENT_BYTES, 2)], 1 << 20, signal)).rejects.toThrow(
      'out of memory',
    );
    const destroyed = new ParallelGzip(1 << 20, signal);
    await destroyed.write(logText(GZIP_SEGMENT_BYTES, 3));
    await destroyed.destroy();
    expect(getEventListeners(signal, 'abort')).toEqual([]);
  });
});
