/** Default bound on remembered names: plenty for templates keyed by source, small in memory. */
export const DEFAULT_RESOURCE_CACHE_SIZE = 10_000;

/**
 * The log streams (and so their groups) known to exist, so warm invocations skip the create calls,
 * and the groups created here whose retention policy still has to be set.
 * Bounded: past `maxEntries` the oldest names are forgotten (and at worst created again, which is
 * harmless: ResourceAlreadyExistsException counts as success).
 *
 * @example
 * ```ts
 * const cache = new ResourceCache();
 * cache.addStream('/app', 'web-1');
 * cache.hasStream('/app', 'web-1'); // true
 * ```
 */
export class ResourceCache {
  readonly #streams = new Set<string>();
  /** Groups this process created whose retention policy is not set yet. */
  readonly #retentionPending = new Set<string>();
  /** Groups whose CreateLogGroup got no clear answer: they may exist because of us. */
  readonly #createUncertain = new Set<string>();

  constructor(readonly maxEntries = DEFAULT_RESOURCE_CACHE_SIZE) {}

  hasStream(group: string, stream: string): boolean {
    return this.#streams.has(streamKey(group, stream));
  }

  addStream(group: string, stream: string): void {
    const key = streamKey(group, stream);
    this.#streams.delete(key);
    this.#streams.add(key);
    if (this.#streams.size > this.maxEntries) {
      const oldest = this.#streams.values().next();
      if (!oldest.done) this.#streams.delete(oldest.value);
    }
  }

  forgetStream(group: string, stream: string): void {
    this.#streams.delete(streamKey(group, stream));
  }

  /** Forget a group and every stream in it (it was deleted). */
  forgetGroup(group: string): void {
    const prefix = streamKey(group, '');
    for (const key of this.#streams) if (key.startsWith(prefix)) this.#streams.delete(key);
  }

  markCreateUncertain(group: string): void {
    this.#createUncertain.add(group);
  }

  createUncertain(group: string): boolean {
    return this.#createUncertain.has(group);
  }

  createSettled(group: string): void {
    this.#createUncertain.delete(group);
  }

  markRetentionPending(group: string): void {
    this.#retentionPending.add(group);
  }

  retentionPending(group: string): boolean {
    return this.#retentionPending.has(group);
  }

  retentionSet(group: string): void {
    this.#retentionPending.delete(group);
  }

  get size(): number {
    return this.#streams.size;
  }

  clear(): void {
    this.#streams.clear();
    this.#retentionPending.clear();
    this.#createUncertain.clear();
  }
}

/**
 * The process-wide cache: it outlives flusher instances (a fresh flusher serves each invocation
 * after an urgent one), so warm invocations keep what earlier ones learnt.
 */
export const processResourceCache = new ResourceCache();

// A newline cannot occur in a log group name, so the key is unambiguous.
function streamKey(group: string, stream: string): string {
  return `${group}\n${stream}`;
}
