import { bufferView } from '../shared/bufferView.ts';
import { keepShapeAlive } from '../shared/keepShapeAlive.ts';
import { decodeLogAt } from './decodeLogGroup.ts';
import type { EncodedLogs } from './encodedLogs.ts';
import { copyBytes, MAX_BYTES_PER_BYTE, writeJsonStringBody, writeUint32 } from './jsonBytes.ts';
import type { LogGroup } from './LogGroup.ts';
import { LogLineMiddleBytes } from './LogLineMiddleBytes.ts';
import { type LogLineFormatter, logLineFormatter, plainPrefixes } from './logLine.ts';
import { LogRanges, MAX_RANGED_PAIRS, NO_TIME_NS, readLogRanges } from './logRanges.ts';
import { ProtoReader } from './ProtoReader.ts';

/** Room for what a line adds beyond its Log's bytes: `{"time":`, `,"timeNs":`, braces, newline. */
const LINE_OVERHEAD = 64;

/** Shared by every writer: used only inside one synchronous `write`, so writers never interleave on it. */
const RANGES = new LogRanges(MAX_RANGED_PAIRS);

const TIME_PREFIX = Buffer.from('{"time":', 'latin1');
const TIME_NS_PREFIX = Buffer.from(',"timeNs":', 'latin1');
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Writes the JSON Lines of a group whose Logs are still protobuf bytes (src/protocol/encodedLogs.ts)
 * straight from those bytes: no strings, no Log objects. Each line is byte for byte the UTF-8 of
 * {@link logLineFormatter}'s line plus `\n`: a value is copied with `JSON.stringify`'s escapes;
 * a Log that needs more (a value that is not valid UTF-8, a duplicate or integer-like key) is
 * decoded and formatted the usual way. Written by hand because the S3 benchmark measured it:
 * decode + JSON Lines of the 6 MB batch went from about 90 to 30 ms (BENCHMARKS.md).
 *
 * @example
 * ```ts
 * const writer = new EncodedLogLineWriter(group, encodedLogs(group)!, 'shop', 'nginx');
 * const chunk = Buffer.allocUnsafe(writer.maxBytes(0));
 * const used = writer.write(0, chunk, 0);
 * ```
 */
export class EncodedLogLineWriter {
  #group: LogGroup;
  #encoded: EncodedLogs;
  /** The encoded bytes, as a Buffer (to decode a key order's keys). */
  #bytes: Buffer;
  readonly #project: string;
  readonly #logstore: string;
  /** The group's meta fields and tags as they go into each of its lines, from pieces kept from group to group. */
  readonly #middle: LogLineMiddleBytes;
  readonly #reader: ProtoReader;
  /** The last key order seen, as bytes, and its `{"key":"` / `,"key":"` prefixes (`undefined`: not plain). */
  #keys: Uint8Array[] = [];
  #prefixes: Uint8Array[] | undefined = [];
  #format: LogLineFormatter | undefined;

  constructor(group: LogGroup, encoded: EncodedLogs, project: string, logstore: string) {
    this.#group = group;
    this.#encoded = encoded;
    this.#bytes = bufferView(encoded.bytes);
    this.#project = project;
    this.#logstore = logstore;
    this.#reader = new ProtoReader(encoded.bytes);
    this.#middle = new LogLineMiddleBytes(project, logstore);
    this.#middle.set(group);
  }

  /**
   * Write another group's lines from now on (same project and logstore). The writer keeps what it
   * learned of the key order, so a partition of many small groups (one log per Kinesis record, say)
   * does not pay for a writer and a key order per group: the shape grid's 10,000-record batch
   * measured that as most of its JSON Lines time (BENCHMARKS.md, issue 15).
   */
  reset(group: LogGroup, encoded: EncodedLogs): void {
    this.#group = group;
    this.#encoded = encoded;
    this.#bytes = bufferView(encoded.bytes);
    this.#reader.reset(encoded.bytes);
    this.#format = undefined;
    this.#middle.set(group);
  }

  /** Bytes that {@link write} may need for log `index` (an upper bound). */
  maxBytes(index: number): number {
    const size = this.#encoded.ends[index]! - this.#encoded.starts[index]!;
    return MAX_BYTES_PER_BYTE * size + this.#middle.length + LINE_OVERHEAD;
  }

  /** Write log `index`'s line and its `\n` at `out[pos]` (room: {@link maxBytes}); returns the end. */
  write(index: number, out: Buffer, pos: number): number {
    const bytes = this.#bytes;
    const ranges = RANGES;
    this.#reader.pos = this.#encoded.starts[index]!;
    readLogRanges(this.#reader, this.#encoded.ends[index]!, ranges);
    if (!ranges.complete) return this.#writeFormatted(index, out, pos);
    if (!this.#sameKeys()) this.#learnKeys();
    const prefixes = this.#prefixes;
    if (prefixes === undefined) return this.#writeFormatted(index, out, pos);
    let o = copyBytes(TIME_PREFIX, out, pos);
    o = writeUint32(ranges.time, out, o);
    if (ranges.timeNs !== NO_TIME_NS) o = writeUint32(ranges.timeNs, out, copyBytes(TIME_NS_PREFIX, out, o));
    const middle = this.#middle;
    middle.bytes.copy(out, o, 0, middle.length);
    o += middle.length; // the full length even if cut short, so the check below sees it
    if (ranges.count === 0) out[o++] = OPEN_BRACE;
    for (let i = 0; i < ranges.count; i++) {
      o = writeJsonStringBody(
        bytes,
        ranges.valueStart[i]!,
        ranges.valueEnd[i]!,
        out,
        copyBytes(prefixes[i]!, out, o),
      );
      if (o < 0) return this.#writeFormatted(index, out, pos);
      out[o++] = QUOTE;
    }
    out[o++] = CLOSE_BRACE;
    out[o++] = CLOSE_BRACE;
    out[o++] = NEWLINE;
    // Writes past a Buffer's end are dropped silently: a line cut short must fail, never be stored.
    if (o > out.length)
      throw new RangeError(`log line ${index} needs more than the ${out.length - pos} bytes given`);
    return o;
  }

  #sameKeys(): boolean {
    const { count, keyStart, keyEnd } = RANGES;
    const keys = this.#keys;
    if (count !== keys.length) return false;
    const bytes = this.#bytes;
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      const start = keyStart[i]!;
      if (keyEnd[i]! - start !== key.length) return false;
      for (let j = 0; j < key.length; j++) if (bytes[start + j] !== key[j]) return false;
    }
    return true;
  }

  #learnKeys(): void {
    const { count, keyStart, keyEnd } = RANGES;
    const keys: Buffer[] = [];
    for (let i = 0; i < count; i++) keys.push(this.#bytes.subarray(keyStart[i]!, keyEnd[i]!));
    this.#keys = keys;
    this.#prefixes = plainPrefixes(keys.map((key) => key.toString('utf8')))?.map((prefix) =>
      Buffer.from(`${prefix}"`),
    );
  }

  /** Log `index`'s line (no newline) from its decoded Log: the formatter's own text. */
  formatted(index: number): string {
    this.#format ??= logLineFormatter(this.#group, this.#project, this.#logstore);
    return this.#format(decodeLogAt(this.#reader, this.#encoded.starts[index]!, this.#encoded.ends[index]!));
  }

  #writeFormatted(index: number, out: Buffer, pos: number): number {
    const line = this.formatted(index);
    const end = pos + out.write(line, pos, 'utf8');
    if (end - pos !== Buffer.byteLength(line) || end >= out.length) {
      throw new RangeError(`log line ${index} needs more than the ${out.length - pos} bytes given`);
    }
    out[end] = NEWLINE;
    return end + 1;
  }
}

keepShapeAlive(
  new EncodedLogLineWriter(
    { logs: [], logTags: [] },
    { bytes: new Uint8Array(0), starts: [], ends: [], times: [] },
    '',
    '',
  ),
);
