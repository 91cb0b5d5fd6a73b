/**
 * What `compressBody` drives: takes a body's chunks in order and gives the compressed body at
 * the end, holding a bounded amount of input it has not compressed yet.
 */
export interface BodyCompressor {
  /**
   * Take the next chunk; resolves when the one after may come (or throws on abort or failure),
   * having yielded to the event loop now and then. The chunk is read later, on the thread pool:
   * it must not be changed after this call.
   */
  write(chunk: Uint8Array): Promise<void>;
  /** The whole compressed body, once every chunk written is compressed. */
  end(): Promise<Buffer>;
  /** Give up: take no more chunks, and stop or wait for the work in flight. */
  destroy(): Promise<void>;
}
