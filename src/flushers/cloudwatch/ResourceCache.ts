/** Default bound on remembered names: plenty for templates keyed by source, small in memory. */
export const DEFAULT_RESOURCE_CACHE_SIZE = 10_000;

/**
 * Where a log group this process tried to create stands: its CreateLogGroup got no clear answer
 * (a timeout, a reset, a 5xx: the group may exist because of us), or it is ours and its retention
 * policy still has to be set.
 */
export type GroupCreation = 'create-uncertain' | 'retention-pending';

/**
 * The log streams (and so their groups) known to exist, so warm invocations skip the create calls,
 * and the groups whose creation is not finished ({@link GroupCreation}).
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
  readonly #creations = new Map<string, GroupCreation>();

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

  groupCreation(group: string): GroupCreation | undefined {
    return this.#creations.get(group);
  }

  /** Record where the group's creation stands; `undefined` when it is finished (or never ours). */
  setGroupCreation(group: string, state: GroupCreation | undefined): void {
    if (state === undefined) this.#creations.delete(group);
    else this.#creations.set(group, state);
  }

  get size(): number {
    return this.#streams.size;
  }

  clear(): void {
    this.#streams.clear();
    this.#creations.clear();
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
