import { DecodeError } from '../errors.ts';
import type { ProtoReader } from './ProtoReader.ts';
import {
  LOG_CONTENTS,
  LOG_TIME,
  LOG_TIME_NS,
  LOG_VALUES,
  PAIR_KEY,
  PAIR_VALUE,
  skipField,
} from './slsLogsFields.ts';

/** `LogRanges.timeNs` when the Log has no `Time_ns`. */
export const NO_TIME_NS = -1;

/**
 * Contents a {@link LogRanges} for writing keeps ranges for. A Log with more (a log line has tens of
 * fields) is written through the decoder instead, so no input can make these arrays large.
 */
export const MAX_RANGED_PAIRS = 1024;

/**
 * One Log read without decoding a string: its times, and each Content's key and value as byte
 * ranges of the payload, for the first `capacity` Contents (0: only check and count them).
 * Reused from Log to Log, so reading allocates nothing. Offsets are doubles: exact at any size.
 */
export class LogRanges {
  time = 0;
  timeNs = NO_TIME_NS;
  /** Contents read; entries [0, min(count, capacity)) of the range arrays are this Log's. */
  count = 0;
  readonly capacity: number;
  readonly keyStart: Float64Array;
  readonly keyEnd: Float64Array;
  readonly valueStart: Float64Array;
  readonly valueEnd: Float64Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.keyStart = new Float64Array(capacity);
    this.keyEnd = new Float64Array(capacity);
    this.valueStart = new Float64Array(capacity);
    this.valueEnd = new Float64Array(capacity);
  }

  /** True when the ranges of every Content of the Log were kept. */
  get complete(): boolean {
    return this.count <= this.capacity;
  }

  add(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    const i = this.count++;
    if (i >= this.capacity) return;
    this.keyStart[i] = keyStart;
    this.keyEnd[i] = keyEnd;
    this.valueStart[i] = valueStart;
    this.valueEnd[i] = valueEnd;
  }
}

/**
 * Read the Log in `[reader.pos, end)` into `ranges`, with the same rules and the same errors as
 * decoding it (`decodeLogGroup.ts`): a missing `Time`, Key or Value, a known field with the wrong
 * wire type or a truncated field throws a {@link DecodeError}. The decoder keeps its own loop
 * because it reads strings as it goes, through a text window tuned for the codec benchmark.
 *
 * @example
 * ```ts
 * readLogRanges(reader, reader.delimitedEnd('LogGroup.Logs'), ranges);
 * const firstKey = bytes.subarray(ranges.keyStart[0], ranges.keyEnd[0]);
 * ```
 */
export function readLogRanges(reader: ProtoReader, end: number, ranges: LogRanges): void {
  const start = reader.pos;
  const outerEnd = reader.end;
  reader.end = end;
  let time = -1;
  ranges.timeNs = NO_TIME_NS;
  ranges.count = 0;
  while (reader.pos < end) {
    const tag = reader.tag('Log');
    switch (tag) {
      case LOG_TIME:
        time = reader.uint32('Log.Time');
        break;
      case LOG_CONTENTS:
        readPairRanges(reader, reader.delimitedEnd('Log.Contents'), ranges);
        break;
      case LOG_VALUES:
        reader.pos = reader.delimitedEnd('Log.values');
        break;
      case LOG_TIME_NS:
        ranges.timeNs = reader.fixed32('Log.Time_ns');
        break;
      default:
        skipField(reader, tag, 'Log');
    }
  }
  if (time < 0) throw new DecodeError('Log.Time', start, 'required field missing');
  ranges.time = time;
  reader.end = outerEnd;
}

function readPairRanges(reader: ProtoReader, end: number, ranges: LogRanges): void {
  const start = reader.pos;
  const outerEnd = reader.end;
  reader.end = end;
  let keyStart = -1;
  let keyEnd = -1;
  let valueStart = -1;
  let valueEnd = -1;
  while (reader.pos < end) {
    const tag = reader.tag('Log.Content');
    if (tag === PAIR_KEY) {
      keyEnd = reader.delimitedEnd('Log.Content.Key');
      keyStart = reader.pos;
      reader.pos = keyEnd;
    } else if (tag === PAIR_VALUE) {
      valueEnd = reader.delimitedEnd('Log.Content.Value');
      valueStart = reader.pos;
      reader.pos = valueEnd;
    } else {
      skipField(reader, tag, 'Log.Content');
    }
  }
  if (keyStart < 0) throw new DecodeError('Log.Content.Key', start, 'required field missing');
  if (valueStart < 0) throw new DecodeError('Log.Content.Value', start, 'required field missing');
  reader.end = outerEnd;
  ranges.add(keyStart, keyEnd, valueStart, valueEnd);
}
