const kept: object[] = [];

/**
 * Keep one instance of a hot class for the life of the process, so V8 keeps its shape.
 *
 * V8 drops an object shape (its hidden class, or map) at a full garbage collection once no live
 * object has it, and with it every optimized function that relied on it. Objects made per batch
 * (readers, writers) all die between invocations, so after each full GC the next batch ran
 * deoptimized code while the compiler rebuilt it on the other core, which the S3 benchmark showed
 * as 40 instead of 25 ms to write the 6 MB batch's lines, and zlib starved of its second core
 * (BENCHMARKS.md). One kept instance keeps the shape, and the optimized code, alive.
 *
 * Closures made per call were seen to fare the same: with a full GC forced before each batch,
 * `--trace-opt` on the shape grid showed the arrow functions passed to `map` and `filter` in the
 * ledger, the sources and the flush call compiled again for every batch (BENCHMARKS.md, issue 15),
 * and no longer once they were plain loops. The per-record loops of those, and of
 * `partitionByHour`'s usual path, are plain loops or call module-level functions.
 *
 * @example
 * ```ts
 * keepShapeAlive(new ProtoReader(new Uint8Array(0)));
 * ```
 */
export function keepShapeAlive<T extends object>(instance: T): T {
  kept.push(instance);
  return instance;
}
