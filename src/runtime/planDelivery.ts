import { type FlusherMatch, matches } from '../pipeline/PipelineFlusher.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import type { SourceRecord } from '../sources/SourceRecord.ts';
import { type Destination, destinationKey, resolveDestination } from './routing.ts';

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
  decoded: readonly { record: SourceRecord; groups: readonly LogGroup[] }[],
  defaults: Destination,
  flushers: readonly PlanFlusher[],
  { orderAcrossDestinations = true }: { readonly orderAcrossDestinations?: boolean } = {},
): DeliveryPlan {
  const calls = new Map<string, FlushCall>();
  const waves: FlushCall[][] = [];
  const perRecord = new Map<SourceRecord, number>();
  const unrouted: DeliveryPlan['unrouted'] = [];
  const orderState = new Map<string, { signature: string; wave: number }>();
  // Consecutive LogGroups mostly share a destination: reuse its key instead of building it again.
  let last: { destination: Destination; key: string } | undefined;
  const alreadyDelivered = flushers.map(() => 0);

  for (const { record, groups } of decoded) {
    const parts = new Map<
      string,
      { flusher: number; destination: Destination; key: string; groups: LogGroup[] }
    >();
    const unmatched: Destination[] = [];
    for (const group of groups) {
      const resolved = resolveDestination(defaults, record.routing, group.logTags);
      if (last === undefined || !sameDestination(last.destination, resolved))
        last = { destination: resolved, key: destinationKey(resolved) };
      const { destination, key } = last;
      let matched = false;
      for (const [flusher, candidate] of flushers.entries()) {
        if (!matches(candidate.match, destination, group.logTags)) continue;
        matched = true;
        if (candidate.delivered(key, record)) {
          alreadyDelivered[flusher]!++;
          continue;
        }
        const partKey = `${flusher}\u0000${key}`;
        let part = parts.get(partKey);
        if (part === undefined) {
          part = { flusher, destination, key, groups: [] };
          parts.set(partKey, part);
        }
        part.groups.push(group);
      }
      if (!matched) unmatched.push(destination);
    }
    if (unmatched.length > 0) unrouted.push({ record, destinations: unmatched });
    perRecord.set(record, parts.size);
    if (parts.size === 0) continue;

    const targets = [...parts.keys()];
    const signature = targets.length === 1 ? targets[0]! : targets.sort().join('\u0001');
    const wave = orderAcrossDestinations ? waveOf(record, signature, orderState) : 0;
    for (const [partKey, part] of parts) {
      const callKey = `${wave}\u0000${partKey}`;
      let call = calls.get(callKey);
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
      for (const group of part.groups) call.items.push({ record, group });
      call.records.push(record);
    }
  }
  return { waves, calls: perRecord, unrouted, alreadyDelivered };
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
