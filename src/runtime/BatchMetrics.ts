/** The metrics the runtime emits per invocation (EMF through Powertools Metrics). */
export const Metric = {
  recordsReceived: { name: 'RecordsReceived', unit: 'Count' },
  recordsAcked: { name: 'RecordsAcked', unit: 'Count' },
  recordsRetried: { name: 'RecordsRetried', unit: 'Count' },
  quarantined: { name: 'RecordsQuarantined', unit: 'Count' },
  logGroups: { name: 'LogGroups', unit: 'Count' },
  logs: { name: 'Logs', unit: 'Count' },
  bytesIn: { name: 'BytesIn', unit: 'Bytes' },
  flushLatency: { name: 'FlushLatency', unit: 'Milliseconds' },
  notReady: { name: 'NotReady', unit: 'Count' },
  deadlineReached: { name: 'DeadlineReached', unit: 'Count' },
  /** Records left undecoded because the batch reached its decode budget: retried later. */
  recordsDeferred: { name: 'RecordsDeferred', unit: 'Count' },
} as const;
export type Metric = (typeof Metric)[keyof typeof Metric];

/** Adds to a metric; implementations sum per invocation and publish once. */
export interface BatchMetrics {
  add(metric: Metric, value: number): void;
}
