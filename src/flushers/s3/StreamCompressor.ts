import type { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import { Wakeup } from '../../shared/Wakeup.ts';
import type { BodyCompressor } from './BodyCompressor.ts';

/**
 * A body compressed by one zlib stream (zstd here): compression runs on libuv's thread pool while
 * the next chunks are encoded, and at most `aheadBytes` of input wait for it.
 *
 * @example
 * ```ts
 * const zstd = new StreamCompressor(zlib.createZstdCompress({ chunkSize: 256 << 10 }), 1 << 20);
 * for (const chunk of chunks) await zstd.write(chunk);
 * const body = await zstd.end();
 * ```
 */
export class StreamCompressor implements BodyCompressor {
  readonly #stream: Transform;
  readonly #aheadBytes: number;
  readonly #signal: AbortSignal | undefined;
  readonly #output: Buffer[] = [];
  readonly #done: Promise<void>;
  /** Bytes handed to zlib and not compressed yet. */
  #ahead = 0;
  readonly #wakeup = new Wakeup();

  constructor(stream: Transform, aheadBytes: number, signal?: AbortSignal) {
    this.#stream = stream;
    this.#aheadBytes = aheadBytes;
    this.#signal = signal;
    stream.on('data', (chunk: Buffer) => this.#output.push(chunk));
    stream.on('close', this.#wakeup.wake);
    signal?.addEventListener('abort', this.#wakeup.wake);
    this.#done = finished(stream, signal === undefined ? {} : { signal });
    this.#done.catch(() => {}); // awaited in end(); a failure before then must not be reported as unhandled
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#stream.destroyed) return this.#done; // it failed: `done` says why
    this.#ahead += chunk.length;
    this.#stream.write(chunk, () => {
      this.#ahead -= chunk.length;
      this.#wakeup.wake();
    });
    // Yield after every chunk: zlib starts its next write only when the event loop runs the
    // last one's callback, so this lets compression overlap encoding.
    await setImmediate();
    // Wait for one write at a time, not for a full drain: that left zlib idle while the next
    // chunk was encoded (measured).
    for (;;) {
      this.#signal?.throwIfAborted();
      if (this.#stream.destroyed || this.#ahead <= this.#aheadBytes) return;
      await this.#wakeup.wait();
    }
  }

  async end(): Promise<Buffer> {
    if (!this.#stream.destroyed) this.#stream.end();
    try {
      await this.#done;
    } finally {
      this.#signal?.removeEventListener('abort', this.#wakeup.wake);
    }
    return this.#output.length === 1 ? this.#output[0]! : Buffer.concat(this.#output);
  }

  /** Destroys the stream; a slice zlib is compressing on the thread pool finishes on its own. */
  async destroy(): Promise<void> {
    this.#stream.destroy();
    this.#signal?.removeEventListener('abort', this.#wakeup.wake);
  }
}
