/** Options of {@link DurableKeys}. */
export interface DurableKeysOptions {
  /** Keys remembered at most; the least recently confirmed are forgotten first. 0 remembers nothing. */
  readonly capacity?: number;
  /** How long a key is trusted after the destination confirmed it. */
  readonly ttlMs?: number;
  /** Clock in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

/** Keys remembered by default: a few hundred bytes each, so a few MB at most. */
export const DURABLE_KEYS_REMEMBERED = 20_000;
/**
 * How long a key is trusted by default: long enough for the redeliveries of one batch (Kinesis
 * retries within seconds; SQS after its visibility timeout, 370 s in this deployment), short
 * enough that data deleted by an operator is not taken as present for long.
 */
export const DURABLE_KEYS_TTL_MS = 60 * 60_000;

/**
 * Keys of writes this execution environment has seen the destination confirm (S3 objects, written
 * or found present; CloudWatch Logs batches, stored), so a redelivered batch skips them instead of
 * sending everything again.
 *
 * Why: a batch is acked only when all of its writes are durable. Without this memory each retry
 * starts over from the first write, so a batch too large for one invocation never gets further
 * than the attempt before (S3), and every redelivery stores again what was already stored
 * (CloudWatch Logs, which has no idempotency key). With it, each retry in the same environment
 * goes on where the last one stopped. A key is added only after the destination confirmed it, so
 * skipping one never skips a write that did not happen; a key forgotten (capacity, age) costs one
 * write again, nothing more.
 *
 * @example
 * ```ts
 * const durable = new DurableKeys();
 * if (!durable.has(`${bucket}/${key}`)) { await put(); durable.add(`${bucket}/${key}`); }
 * ```
 */
export class DurableKeys {
  /** Key → when the destination confirmed it; Map order is confirmation order. */
  readonly #keys = new Map<string, number>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: DurableKeysOptions = {}) {
    this.#capacity = options.capacity ?? DURABLE_KEYS_REMEMBERED;
    this.#ttlMs = options.ttlMs ?? DURABLE_KEYS_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  has(key: string): boolean {
    const confirmedAt = this.#keys.get(key);
    if (confirmedAt === undefined) return false;
    if (this.#now() - confirmedAt < this.#ttlMs) return true;
    this.#keys.delete(key);
    return false;
  }

  add(key: string): void {
    if (this.#capacity <= 0) return;
    this.#keys.delete(key);
    this.#keys.set(key, this.#now());
    if (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.keys().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
  }

  get size(): number {
    return this.#keys.size;
  }
}
