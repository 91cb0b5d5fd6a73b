import { type FlusherMatch, matches } from '../pipeline/PipelineFlusher.ts';
import type { KeyValue, LogGroup } from '../protocol/LogGroup.ts';
import { keepShapeAlive } from '../shared/keepShapeAlive.ts';
import type { Routing, SourceRecord } from '../sources/SourceRecord.ts';
import type { DecodedRecord } from './decodeBatch.ts';
import { type Destination, destinationKey, hasRoutingTag, resolveDestination } from './routing.ts';

/** One LogGroup of one record, as it goes into a flush. */
export interface DeliveryItem {
  readonly record: SourceRecord;
  readonly group: LogGroup;
}

/** One `flush` call: one pipeline flusher, one destination, the items in event order. */
export interface FlushCall {
  /** Index of the pipeline flusher. */
  readonly flusher: number;
  readonly destination: Destination;
  /** {@link destinationKey} of the destination. */
  readonly destinationKey: string;
  readonly items: DeliveryItem[];
  /** The records the items came from, each once, in event order. */
  readonly records: SourceRecord[];
}

/** What to flush, in waves: a wave starts only once the one before it has settled. */
export interface DeliveryPlan {
  readonly waves: FlushCall[][];
  /** Per decoded record, the calls holding part of its data (the ledger's group count). */
  readonly calls: Map<SourceRecord, number>;
  /** Records holding LogGroups no flusher matched, with those groups' destinations. */
  readonly unrouted: { record: SourceRecord; destinations: Destination[] }[];
  /** Per flusher: parts left out because it already made them durable (a redelivery). */
  readonly alreadyDelivered: number[];
}

/** A pipeline flusher as the plan sees it. */
export interface PlanFlusher {
  readonly match?: FlusherMatch | undefined;
  /** Whether this flusher already made this record's data for this destination durable. */
  delivered(destinationKey: string, record: SourceRecord): boolean;
}

/**
 * Route every decoded LogGroup to its destination and to each pipeline flusher whose match takes
 * it, and cut the work into flush calls and waves. Pure: no I/O, no flusher calls.
 *
 * Records without an order key all go into the first wave (everything concurrent). Within one
 * order key (a FIFO message group, a Kinesis shard), a new wave starts whenever a record goes to
 * a different set of (flusher, destination) pairs than the record before it: so when a flush fails,
 * the waves after it (every later record of that key) have not started and are never sent, to any
 * destination. Records of other keys share the waves, so their calls to one destination merge.
 * With `orderAcrossDestinations: false` everything is one wave: each destination still gets an
 * order key's records in order, but a failure at one no longer holds back the others.
 *
 * @example
 * ```ts
 * const plan = planDelivery(decoded, defaults, [{ delivered: () => false }]);
 * for (const wave of plan.waves) await Promise.all(wave.map(flushCall));
 * ```
 */
export function planDelivery(
  decoded: readonly DecodedRecord[],
  defaults: Destination,
  flushers: readonly PlanFlusher[],
  { orderAcrossDestinations = true }: { readonly orderAcrossDestinations?: boolean } = {},
): DeliveryPlan {
  const calls = new Map<string, FlushCall>();
  const waves: FlushCall[][] = [];
  const perRecord = new Map<SourceRecord, number>();
  const unrouted: DeliveryPlan['unrouted'] = [];
  const orderState = new Map<string, { signature: string; wave: number }>();
  const alreadyDelivered = flushers.map(() => 0);
  const route = new Router(defaults);
  // One record's parts, reused from record to record: a part is one (flusher, destination) pair,
  // and `partOf[g]` the part group g goes to (-1: none). A batch of many one-group records (a
  // Kinesis record per log) allocated a Map, part objects and key strings per record, which the
  // shape grid measured (BENCHMARKS.md, issue 15).
  const parts: Part[] = [];
  const partOf: number[] = [];
  // The call the last part went to: consecutive records mostly go to the same call.
  let lastCall: { wave: number; partKey: string; call: FlushCall } | undefined;

  for (const { record, groups } of decoded) {
    parts.length = 0;
    partOf.length = 0;
    let unmatched: Destination[] | undefined;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const { destination, key } = route.resolve(record.routing, group.logTags);
      let matched = false;
      partOf.push(-1);
      for (let flusher = 0; flusher < flushers.length; flusher++) {
        const candidate = flushers[flusher]!;
        if (!matches(candidate.match, destination, group.logTags)) continue;
        matched = true;
        if (candidate.delivered(key, record)) {
          alreadyDelivered[flusher]!++;
          continue;
        }
        let part = findPart(parts, flusher, key);
        if (part < 0)
          part = parts.push({ flusher, destination, key, partKey: route.partKey(flusher, key) }) - 1;
        // A group matched by several flushers is in several parts: note all but the first apart.
        if (partOf[g] === -1) partOf[g] = part;
        else {
          const first = parts[partOf[g]!]!;
          first.more ??= [];
          first.more.push({ group: g, part });
        }
      }
      if (!matched) {
        unmatched ??= [];
        unmatched.push(destination);
      }
    }
    if (unmatched !== undefined) unrouted.push({ record, destinations: unmatched });
    perRecord.set(record, parts.length);
    if (parts.length === 0) continue;

    const signature =
      parts.length === 1
        ? parts[0]!.partKey
        : parts
            .map((part) => part.partKey)
            .sort()
            .join('\u0001');
    const wave = orderAcrossDestinations ? waveOf(record, signature, orderState) : 0;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      let call: FlushCall | undefined;
      if (lastCall !== undefined && lastCall.wave === wave && lastCall.partKey === part.partKey) {
        call = lastCall.call;
      } else {
        const callKey = `${wave}\u0000${part.partKey}`;
        call = calls.get(callKey);
        if (call === undefined) {
          call = {
            flusher: part.flusher,
            destination: part.destination,
            destinationKey: part.key,
            items: [],
            records: [],
          };
          calls.set(callKey, call);
          if (wave === waves.length) waves.push([]);
          waves[wave]!.push(call);
        }
        lastCall = { wave, partKey: part.partKey, call };
      }
      for (let g = 0; g < groups.length; g++) {
        if (inPart(parts, partOf, g, p)) call.items.push({ record, group: groups[g]! });
      }
      call.records.push(record);
    }
  }
  return { waves, calls: perRecord, unrouted, alreadyDelivered };
}

/** One (flusher, destination) pair of a record. */
interface Part {
  readonly flusher: number;
  readonly destination: Destination;
  readonly key: string;
  readonly partKey: string;
  /** Groups in this part beyond those whose first part it is, when several flushers take a group. */
  more?: { group: number; part: number }[];
}

function findPart(parts: readonly Part[], flusher: number, key: string): number {
  for (let p = 0; p < parts.length; p++) if (parts[p]!.flusher === flusher && parts[p]!.key === key) return p;
  return -1;
}

/** Whether group `g` goes to part `p` (its first part, or one noted in that first part's `more`). */
function inPart(parts: readonly Part[], partOf: readonly number[], g: number, p: number): boolean {
  const first = partOf[g]!;
  if (first === p) return true;
  if (first < 0) return false;
  const more = parts[first]!.more;
  return more?.some((entry) => entry.group === g && entry.part === p) ?? false;
}

/**
 * Resolves LogGroups' destinations, reusing the last result while the record routing is the same
 * object and the groups carry no routing tag (the usual case: one deployment-wide destination), and
 * the last `partKey` string while the flusher and destination are the same.
 */
class Router {
  #last: { destination: Destination; key: string } | undefined;
  #plain: { routing: Routing; resolved: { destination: Destination; key: string } } | undefined;
  #lastPart: { flusher: number; key: string; partKey: string } | undefined;

  constructor(readonly defaults: Destination) {}

  resolve(routing: Routing, tags: readonly KeyValue[]): { destination: Destination; key: string } {
    const plain = !hasRoutingTag(tags);
    if (plain && this.#plain?.routing === routing) return this.#plain.resolved;
    const resolved = resolveDestination(this.defaults, routing, tags);
    // Consecutive LogGroups mostly share a destination: reuse its key instead of building it again.
    if (this.#last === undefined || !sameDestination(this.#last.destination, resolved))
      this.#last = { destination: resolved, key: destinationKey(resolved) };
    if (plain) this.#plain = { routing, resolved: this.#last };
    return this.#last;
  }

  partKey(flusher: number, key: string): string {
    const last = this.#lastPart;
    if (last !== undefined && last.flusher === flusher && last.key === key) return last.partKey;
    const partKey = `${flusher}\u0000${key}`;
    this.#lastPart = { flusher, key, partKey };
    return partKey;
  }
}

function sameDestination(a: Destination, b: Destination): boolean {
  return (
    a.project === b.project &&
    a.logstore === b.logstore &&
    a.configName === b.configName &&
    a.logstoreKey === b.logstoreKey
  );
}

/** The wave of a record: 0 without an order; within an order key, the next wave on each change of targets. */
function waveOf(
  record: SourceRecord,
  signature: string,
  orderState: Map<string, { signature: string; wave: number }>,
): number {
  if (record.orderKey === undefined) return 0;
  const state = orderState.get(record.orderKey);
  if (state === undefined) {
    orderState.set(record.orderKey, { signature, wave: 0 });
    return 0;
  }
  if (state.signature !== signature) {
    state.signature = signature;
    state.wave++;
  }
  return state.wave;
}

keepShapeAlive(new Router({ project: '', logstore: '', configName: '', logstoreKey: '' }));
