import type { Writable } from 'node:stream';
import { DeadlineError } from '../../errors.ts';

/** Write `chunk` and resolve when the stream has handed it to the underlying resource (its write callback). */
export function writeFully(stream: Writable, chunk: string | Uint8Array, signal: AbortSignal): Promise<void> {
  if (chunk.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new DeadlineError('stream write did not finish before the deadline'));
    signal.addEventListener('abort', onAbort, { once: true });
    stream.write(chunk, (error) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    });
  });
}
