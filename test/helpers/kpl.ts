import { aggregateKpl } from './kplAggregator.ts';

/** A KPL aggregated record holding `payloads` as its user records (one partition key). */
export function kplAggregate(payloads: Uint8Array[], partitionKey = 'pk'): Uint8Array {
  return aggregateKpl(payloads.map((data) => ({ data, partitionKey })));
}
