import type { Log, LogGroup } from './LogGroup.ts';

/**
 * The Logs of one LogGroup left as protobuf bytes: log `i` is `bytes[starts[i], ends[i])`, a
 * validated `Log` message whose `Time` is `times[i]`.
 */
export interface EncodedLogs {
  readonly bytes: Uint8Array;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly times: readonly number[];
}

const ENCODED_LOGS = Symbol('encodedLogs');

interface MaybeEncoded {
  [ENCODED_LOGS]?: EncodedLogs | undefined;
}

/**
 * The function that makes a LogGroup (meta fields unset, no tags yet) whose `logs` property
 * decodes `encoded` the first time it is read. Until then the group holds only its payload's
 * bytes (a third of the decoded objects' memory), and a writer that can work from the bytes (the
 * S3 JSON Lines encoder) never decodes them at all. Reading or assigning `logs` turns the group
 * into a plain one for good: from then on the bytes are forgotten, so nothing can write a stale
 * copy of logs someone changed. One accessor serves every group, and each group gets it before
 * any other property (in the same key order as a plain group: `logs` first), so they all share
 * one fast shape (V8 map). Redefining a `logs` data property as the accessor instead turned every
 * such group into a slow dictionary-mode object, twice as costly to make and slower to read
 * (measured for the shape grid, BENCHMARKS.md, issue 15).
 *
 * @example
 * ```ts
 * const encodedLogGroup = encodedLogsKeeper(decodeEncodedLogs);
 * const group = encodedLogGroup({ bytes, starts, ends, times });
 * encodedLogs(group); // the bytes, until someone reads group.logs
 * ```
 */
export function encodedLogsKeeper(
  decode: (encoded: EncodedLogs) => Log[],
): (encoded: EncodedLogs) => LogGroup {
  const logsAccessor: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: LogGroup & MaybeEncoded) {
      const kept = keptLogs.get(this);
      if (kept !== undefined) return kept;
      const logs = decode(this[ENCODED_LOGS]!);
      settleLogs(this, logs);
      return logs;
    },
    set(this: LogGroup, logs: Log[]) {
      settleLogs(this, logs);
    },
  };
  return (encoded) => {
    const group = {} as LogGroup;
    Object.defineProperty(group, 'logs', logsAccessor);
    // Not enumerable: copies, comparisons and JSON see a plain LogGroup.
    Object.defineProperty(group, ENCODED_LOGS, {
      value: encoded,
      writable: true,
      enumerable: false,
      configurable: true,
    });
    group.category = undefined;
    group.topic = undefined;
    group.source = undefined;
    group.machineUUID = undefined;
    group.logTags = [];
    return group;
  };
}

/** Logs of frozen or sealed groups, whose `logs` accessor cannot become a plain property. */
const keptLogs = new WeakMap<LogGroup, Log[]>();

function settleLogs(group: LogGroup, logs: Log[]): void {
  try {
    Object.defineProperty(group, 'logs', {
      value: logs,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } catch {
    // Frozen or sealed: the accessor stays, serving these logs from now on.
    keptLogs.set(group, logs);
    return;
  }
  (group as MaybeEncoded)[ENCODED_LOGS] = undefined;
}

/** The group's Logs as bytes, or `undefined` once (or unless) they are decoded objects. */
export function encodedLogs(group: LogGroup): EncodedLogs | undefined {
  const encoded = (group as MaybeEncoded)[ENCODED_LOGS];
  return encoded === undefined || keptLogs.has(group) ? undefined : encoded;
}

/** How many Logs the group has, without decoding them. */
export function logCount(group: LogGroup): number {
  return encodedLogs(group)?.times.length ?? group.logs.length;
}
