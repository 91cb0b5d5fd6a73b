/** The metrics the runtime emits per invocation (EMF through Powertools Metrics). */
export const Metric = {
  recordsReceived: { name: 'RecordsReceived', unit: 'Count' },
  recordsAcked: { name: 'RecordsAcked', unit: 'Count' },
  recordsRetried: { name: 'RecordsRetried', unit: 'Count' },
  quarantined: { name: 'RecordsQuarantined', unit: 'Count' },
  logGroups: { name: 'LogGroups', unit: 'Count' },
  logs: { name: 'Logs', unit: 'Count' },
  bytesIn: { name: 'BytesIn', unit: 'Bytes' },
  /** Per flusher: time of a successful flush call. */
  flushLatency: { name: 'FlushLatency', unit: 'Milliseconds' },
  /** Per flusher: flush calls not made because `isReady` said no. */
  notReady: { name: 'NotReady', unit: 'Count' },
  /** Per flusher: flush calls that failed (their records are retried). */
  flushFailures: { name: 'FlushFailures', unit: 'Count' },
  /** Per flusher: parts of redelivered records left out because the flusher had stored them already. */
  alreadyDelivered: { name: 'AlreadyDelivered', unit: 'Count' },
  /** LogGroups no pipeline flusher matched: their records are quarantined as `unrouted`. */
  logGroupsUnrouted: { name: 'LogGroupsUnrouted', unit: 'Count' },
  deadlineReached: { name: 'DeadlineReached', unit: 'Count' },
  /** Records left undecoded because the batch reached its decode budget: retried later. */
  recordsDeferred: { name: 'RecordsDeferred', unit: 'Count' },
} as const;
export type Metric = (typeof Metric)[keyof typeof Metric];

/** Adds to a metric; implementations sum per invocation and publish once. */
export interface BatchMetrics {
  add(metric: { readonly name: string; readonly unit: Metric['unit'] }, value: number): void;
}
