/**
 * The iLogtail `sls_logs` data model (proto2 `LogGroupList` / `LogGroup` / `Log` / `Content` /
 * `LogTag`). Contents and tags are ordered arrays of pairs: duplicate keys are kept and nothing is
 * merged, so a LogGroup survives a decode/encode round trip unchanged.
 */

/** One `Log.Content` or `LogTag` entry. */
export interface KeyValue {
  key: string;
  value: string;
}

/** One log entry. */
export interface Log {
  /** Unix time in seconds, uint32 (`Log.Time`, required). */
  time: number;
  /** Nanoseconds within the second, uint32 (`Log.Time_ns`); `undefined` when absent, which differs from 0. */
  timeNs?: number | undefined;
  contents: KeyValue[];
}

/**
 * One `LogGroup`. The four meta strings are `undefined` when absent or empty: the Go marshaller
 * always writes them, so an empty string on the wire means "not set".
 */
export interface LogGroup {
  logs: Log[];
  category?: string | undefined;
  topic?: string | undefined;
  source?: string | undefined;
  machineUUID?: string | undefined;
  logTags: KeyValue[];
}

/** Largest value of the uint32 fields `Log.Time` and `Log.Time_ns`. */
export const UINT32_MAX = 0xffff_ffff;
