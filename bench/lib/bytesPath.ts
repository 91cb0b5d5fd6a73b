import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { type CompressedBody, compressBody } from '../../src/flushers/s3/compressBody.ts';
import { canonicalBase64Bytes } from '../../src/input/base64Text.ts';
import { deaggregateKpl, isKplAggregate } from '../../src/input/kpl.ts';
import {
  copyBytes,
  MAX_BYTES_PER_BYTE,
  writeJsonStringBody,
  writeUint32,
} from '../../src/protocol/jsonBytes.ts';
import { LINE_META_FIELDS, logLineStart } from '../../src/protocol/logLine.ts';
import { LogRanges, MAX_RANGED_PAIRS, NO_TIME_NS, readLogRanges } from '../../src/protocol/logRanges.ts';
import { ProtoReader } from '../../src/protocol/ProtoReader.ts';
import {
  GROUP_CATEGORY,
  GROUP_LOG_TAGS,
  GROUP_LOGS,
  GROUP_MACHINE_UUID,
  GROUP_SOURCE,
  GROUP_TOPIC,
  LIST_GROUP,
  PAIR_KEY,
  PAIR_VALUE,
  skipField,
} from '../../src/protocol/slsLogsFields.ts';

/** Bytes per JSON Lines chunk handed to the compressor, as the flusher's encoder uses. */
const CHUNK_BYTES = 256 * 1024;
/** Room for what a line adds beyond its bytes: times, braces, newline. */
const LINE_OVERHEAD = 64;

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const TIME = latin1('{"time":');
const TIME_NS = latin1(',"timeNs":');
/** `,"topic":"` … of the line's meta fields, in line order (GroupRanges.fields' order). */
const FIELDS = LINE_META_FIELDS.map((field) => latin1(`,"${field}":"`));
const TAGS = latin1(',"tags":');
const CONTENTS = latin1(',"contents":');
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

/**
 * A reference the shape grid measures this design against: the batch's object built straight from
 * its records' bytes, as a function without LogGroup objects, routing or an ack ledger would build
 * it. Each record's protobuf is scanned once: its groups' meta fields, tags and logs stay byte
 * ranges and become JSON Lines, gzipped as the flusher gzips (`compressBody`). It writes what this
 * project writes only for what the grid's batches hold (plain tag and content keys: no duplicates,
 * none integer-like; UTF-8 strings) and throws on anything else; the grid checks its lines equal
 * the stored ones before timing it. Not a product path: it routes nothing and validates only what
 * it reads.
 *
 * @example
 * ```ts
 * const { body } = await bytesPathBody(event, false, 'shop', 'nginx');
 * ```
 */
export function bytesPathBody(
  event: KinesisStreamEvent | SQSEvent,
  sqs: boolean,
  project: string,
  logstore: string,
): Promise<CompressedBody> {
  return compressBody(jsonLines(payloadsOf(event, sqs), project, logstore), 'gzip');
}

function payloadsOf(event: KinesisStreamEvent | SQSEvent, sqs: boolean): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  if (sqs) {
    for (const { body } of (event as SQSEvent).Records) {
      payloads.push(canonicalBase64Bytes(body) ?? Buffer.from(body, 'utf8'));
    }
    return payloads;
  }
  for (const { kinesis } of (event as KinesisStreamEvent).Records) {
    const bytes = Buffer.from(kinesis.data, 'base64');
    if (isKplAggregate(bytes)) payloads.push(...deaggregateKpl(bytes));
    else payloads.push(bytes);
  }
  return payloads;
}

/** One LogGroup's parts as byte ranges of its payload, reused from group to group. */
class GroupRanges {
  /** Start and end of topic, source, machineUUID and category (the lines' order); -1: absent. */
  readonly fields = [-1, -1, -1, -1, -1, -1, -1, -1];
  /** Key start, key end, value start, value end of each tag. */
  readonly tags: number[] = [];
  readonly logStarts: number[] = [];
  readonly logEnds: number[] = [];

  read(reader: ProtoReader, end: number): void {
    this.fields.fill(-1);
    this.tags.length = 0;
    this.logStarts.length = 0;
    this.logEnds.length = 0;
    const outerEnd = reader.end;
    reader.end = end;
    while (reader.pos < end) {
      const tag = reader.tag('LogGroup');
      const field = FIELD_INDEX.get(tag);
      if (tag === GROUP_LOGS) {
        const logEnd = reader.delimitedEnd('LogGroup.Logs');
        this.logStarts.push(reader.pos);
        this.logEnds.push(logEnd);
        reader.pos = logEnd;
      } else if (field !== undefined) {
        const fieldEnd = reader.delimitedEnd('LogGroup');
        this.fields[2 * field] = reader.pos;
        this.fields[2 * field + 1] = fieldEnd;
        reader.pos = fieldEnd;
      } else if (tag === GROUP_LOG_TAGS) {
        this.#readTag(reader, reader.delimitedEnd('LogGroup.LogTags'));
      } else {
        skipField(reader, tag, 'LogGroup');
      }
    }
    reader.end = outerEnd;
  }

  #readTag(reader: ProtoReader, end: number): void {
    const ranges = [-1, -1, -1, -1];
    while (reader.pos < end) {
      const tag = reader.tag('LogTag');
      if (tag !== PAIR_KEY && tag !== PAIR_VALUE) throw new Error('bytesPath: unexpected LogTag field');
      const valueEnd = reader.delimitedEnd('LogTag');
      const at = tag === PAIR_KEY ? 0 : 2;
      ranges[at] = reader.pos;
      ranges[at + 1] = valueEnd;
      reader.pos = valueEnd;
    }
    this.tags.push(...ranges);
  }
}

/** Index in {@link GroupRanges.fields} (÷ 2) of each meta field's tag, in the lines' order. */
const FIELD_INDEX = new Map([
  [GROUP_TOPIC, 0],
  [GROUP_SOURCE, 1],
  [GROUP_MACHINE_UUID, 2],
  [GROUP_CATEGORY, 3],
]);

function* jsonLines(
  payloads: readonly Uint8Array[],
  project: string,
  logstore: string,
): Generator<Uint8Array> {
  const head = Buffer.from(logLineStart(project, logstore), 'utf8');
  const reader = new ProtoReader(new Uint8Array(0));
  const group = new GroupRanges();
  const ranges = new LogRanges(MAX_RANGED_PAIRS);
  let middle = Buffer.allocUnsafe(4096);
  let out = Buffer.allocUnsafe(CHUNK_BYTES);
  let o = 0;
  for (const bytes of payloads) {
    reader.reset(bytes);
    while (reader.pos < reader.end) {
      const tag = reader.tag('LogGroupList');
      if (tag !== LIST_GROUP) {
        skipField(reader, tag, 'LogGroupList');
        continue;
      }
      const groupEnd = reader.delimitedEnd('LogGroupList.logGroupList');
      const room = head.length + MAX_BYTES_PER_BYTE * (groupEnd - reader.pos) + LINE_OVERHEAD;
      group.read(reader, groupEnd);
      if (middle.length < room) middle = Buffer.allocUnsafe(room);
      const middleLength = writeMiddle(bytes, group, head, middle);
      for (let l = 0; l < group.logStarts.length; l++) {
        const logStart = group.logStarts[l]!;
        const logEnd = group.logEnds[l]!;
        const need = MAX_BYTES_PER_BYTE * (logEnd - logStart) + middleLength + LINE_OVERHEAD;
        if (o + need > out.length) {
          if (o > 0) yield out.subarray(0, o);
          out = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, need));
          o = 0;
        }
        reader.pos = logStart;
        readLogRanges(reader, logEnd, ranges);
        if (!ranges.complete) throw new Error('bytesPath: a log with more contents than it ranges');
        o = copyBytes(TIME, out, o);
        o = writeUint32(ranges.time, out, o);
        if (ranges.timeNs !== NO_TIME_NS) o = writeUint32(ranges.timeNs, out, copyBytes(TIME_NS, out, o));
        o += middle.copy(out, o, 0, middleLength);
        const { keyStart, keyEnd, valueStart, valueEnd } = ranges;
        if (ranges.count === 0) out[o++] = OPEN_BRACE;
        for (let i = 0; i < ranges.count; i++) {
          o = writePair(bytes, keyStart[i]!, keyEnd[i]!, valueStart[i]!, valueEnd[i]!, i === 0, out, o);
        }
        out[o++] = CLOSE_BRACE;
        out[o++] = CLOSE_BRACE;
        out[o++] = NEWLINE;
      }
      reader.pos = groupEnd;
    }
  }
  if (o > 0) yield out.subarray(0, o);
}

/** `,"project":…` up to `,"contents":`, from the group's ranges; returns its length. */
function writeMiddle(bytes: Uint8Array, group: GroupRanges, head: Buffer, out: Buffer): number {
  let o = head.copy(out, 0);
  for (let f = 0; f < FIELDS.length; f++) {
    const start = group.fields[2 * f]!;
    const end = group.fields[2 * f + 1]!;
    if (start < 0 || end === start) continue; // absent or empty: left out, as logLineMiddle does
    o = checked(writeJsonStringBody(bytes, start, end, out, copyBytes(FIELDS[f]!, out, o)));
    out[o++] = QUOTE;
  }
  o = copyBytes(TAGS, out, o);
  const tags = group.tags;
  if (tags.length === 0) out[o++] = OPEN_BRACE;
  for (let t = 0; t < tags.length; t += 4) {
    o = writePair(bytes, tags[t]!, tags[t + 1]!, tags[t + 2]!, tags[t + 3]!, t === 0, out, o);
  }
  out[o++] = CLOSE_BRACE;
  return copyBytes(CONTENTS, out, o);
}

/** `{"key":"value"` for the first pair, `,"key":"value"` for the others; keys must be plain. */
function writePair(
  bytes: Uint8Array,
  keyStart: number,
  keyEnd: number,
  valueStart: number,
  valueEnd: number,
  first: boolean,
  out: Buffer,
  o: number,
): number {
  if (keyStart < 0 || valueStart < 0) throw new Error('bytesPath: a pair without key or value');
  out[o++] = first ? OPEN_BRACE : COMMA;
  out[o++] = QUOTE;
  o = checked(writeJsonStringBody(bytes, keyStart, keyEnd, out, o));
  out[o++] = QUOTE;
  out[o++] = COLON;
  out[o++] = QUOTE;
  o = checked(writeJsonStringBody(bytes, valueStart, valueEnd, out, o));
  out[o++] = QUOTE;
  return o;
}

function checked(o: number): number {
  if (o < 0) throw new Error('bytesPath: a string that is not UTF-8');
  return o;
}
