import { EncodeError } from '../errors.ts';
import { type KeyValue, type Log, type LogGroup, UINT32_MAX } from './LogGroup.ts';

/**
 * Encode LogGroups as a `LogGroupList` (iLogtail `sls_logs` proto2). Empty meta strings are not
 * written (they decode the same as absent); `timeNs` is written whenever it is defined.
 *
 * Two passes: the first measures every message and string into a flat list (in write order),
 * the second writes into one exactly-sized buffer, so nothing is copied twice.
 *
 * @example
 * ```ts
 * const bytes = encodeLogGroupList([{ logs: [{ time: 1700000000, contents: [{ key: 'msg', value: 'hi' }] }], logTags: [] }]);
 * ```
 */
export function encodeLogGroupList(groups: readonly LogGroup[]): Uint8Array {
  const sizes: number[] = [];
  let total = 0;
  for (const group of groups) total += delimited(measureGroup(group, sizes));
  const writer = new Writer(Buffer.allocUnsafe(total), sizes);
  for (const group of groups) {
    writer.byte((1 << 3) | 2);
    writeGroup(writer, group);
  }
  return writer.out;
}

/**
 * Encode one `LogGroup` message (not wrapped in a list).
 *
 * @example
 * ```ts
 * const bytes = encodeLogGroup(group);
 * ```
 */
export function encodeLogGroup(group: LogGroup): Uint8Array {
  const sizes: number[] = [];
  const size = measureGroup(group, sizes);
  const writer = new Writer(Buffer.allocUnsafe(size), sizes);
  writer.next(); // the group's own length is not written at top level
  writeGroupBody(writer, group);
  return writer.out;
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Bytes of a length-delimited field with a one-byte tag. */
function delimited(size: number): number {
  return 1 + varintSize(size) + size;
}

function measureString(value: unknown, field: string, sizes: number[]): number {
  if (typeof value !== 'string') throw new EncodeError(field, `expected a string, got ${typeof value}`);
  const size = Buffer.byteLength(value, 'utf8');
  sizes.push(size);
  return delimited(size);
}

function checkUint32(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new EncodeError(field, `expected an integer in 0..${UINT32_MAX}, got ${String(value)}`);
  }
  return value;
}

function measureOptional(value: string | undefined, field: string, sizes: number[]): number {
  return value === undefined || value === '' ? 0 : measureString(value, field, sizes);
}

function measureGroup(group: LogGroup, sizes: number[]): number {
  const index = sizes.push(0) - 1;
  let size = 0;
  for (const log of group.logs) size += delimited(measureLog(log, sizes));
  size += measureOptional(group.category, 'LogGroup.Category', sizes);
  size += measureOptional(group.topic, 'LogGroup.Topic', sizes);
  size += measureOptional(group.source, 'LogGroup.Source', sizes);
  size += measureOptional(group.machineUUID, 'LogGroup.MachineUUID', sizes);
  for (const tag of group.logTags) size += delimited(measurePair(tag, 'LogTag', sizes));
  sizes[index] = size;
  return size;
}

function measureLog(log: Log, sizes: number[]): number {
  const index = sizes.push(0) - 1;
  let size = 1 + varintSize(checkUint32(log.time, 'Log.Time'));
  for (const content of log.contents) size += delimited(measurePair(content, 'Log.Content', sizes));
  if (log.timeNs !== undefined) {
    checkUint32(log.timeNs, 'Log.Time_ns');
    size += 5;
  }
  sizes[index] = size;
  return size;
}

function measurePair(pair: KeyValue, message: string, sizes: number[]): number {
  const index = sizes.push(0) - 1;
  const size =
    measureString(pair.key, `${message}.Key`, sizes) + measureString(pair.value, `${message}.Value`, sizes);
  sizes[index] = size;
  return size;
}

class Writer {
  pos = 0;
  #next = 0;
  constructor(
    readonly out: Buffer,
    readonly sizes: readonly number[],
  ) {}

  next(): number {
    return this.sizes[this.#next++]!;
  }

  byte(value: number): void {
    this.out[this.pos++] = value;
  }

  varint(value: number): void {
    while (value > 0x7f) {
      this.out[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.out[this.pos++] = value;
  }

  /** Write a length-delimited field whose length is the next measured size. */
  delimited(tag: number): void {
    this.byte(tag);
    this.varint(this.next());
  }

  string(tag: number, value: string): void {
    const size = this.next();
    this.byte(tag);
    this.varint(size);
    this.pos += this.out.write(value, this.pos, size, 'utf8');
  }

  fixed32(tag: number, value: number): void {
    this.byte(tag);
    this.out.writeUInt32LE(value, this.pos);
    this.pos += 4;
  }
}

function writeGroup(writer: Writer, group: LogGroup): void {
  writer.varint(writer.next());
  writeGroupBody(writer, group);
}

function writeGroupBody(writer: Writer, group: LogGroup): void {
  for (const log of group.logs) {
    writer.delimited((1 << 3) | 2);
    writer.byte((1 << 3) | 0);
    writer.varint(log.time);
    for (const content of log.contents) writePair(writer, (2 << 3) | 2, content);
    if (log.timeNs !== undefined) writer.fixed32((4 << 3) | 5, log.timeNs);
  }
  if (group.category) writer.string((2 << 3) | 2, group.category);
  if (group.topic) writer.string((3 << 3) | 2, group.topic);
  if (group.source) writer.string((4 << 3) | 2, group.source);
  if (group.machineUUID) writer.string((5 << 3) | 2, group.machineUUID);
  for (const tag of group.logTags) writePair(writer, (6 << 3) | 2, tag);
}

function writePair(writer: Writer, tag: number, pair: KeyValue): void {
  writer.delimited(tag);
  writer.string((1 << 3) | 2, pair.key);
  writer.string((2 << 3) | 2, pair.value);
}
