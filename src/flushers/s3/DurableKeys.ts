/**
 * Object keys this execution environment has seen S3 confirm (written, or found present by a
 * 412), so a redelivered batch skips them instead of sending every object again.
 *
 * Why: a batch whose objects take longer to write than one invocation has is acked only when all
 * are durable. Without this memory each retry starts over from the first object (a 412 costs a
 * full request), never gets further than the attempt before, and the batch never completes. With
 * it, each retry in the same environment goes on where the last one stopped. Keys are remembered
 * only after S3 confirmed them, so skipping one never skips a write.
 *
 * Bounded: the oldest keys are forgotten first (a forgotten key costs one 412, nothing more).
 */
/** Keys remembered by default: about 150 bytes each, so a few MB at most. */
export const DURABLE_KEYS_REMEMBERED = 20_000;

export class DurableKeys {
  readonly #keys = new Set<string>();
  readonly #capacity: number;

  constructor(capacity: number = DURABLE_KEYS_REMEMBERED) {
    this.#capacity = capacity;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    if (this.#capacity <= 0) return;
    this.#keys.delete(key);
    this.#keys.add(key);
    if (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
  }

  get size(): number {
    return this.#keys.size;
  }
}
