import type { KeyValue, LogGroup } from './LogGroup.ts';
import {
  LINE_META_FIELDS,
  logLineStart,
  MAX_UTF8_BYTES_PER_CHAR,
  pairsToJson,
  plainPrefixes,
  sameKeys,
} from './logLine.ts';

/** Room made at first: a typical middle (meta fields and a few tags) is a few hundred bytes. */
const INITIAL_BYTES = 1024;
/**
 * Values whose JSON text is kept as bytes. A batch's groups come from a few hosts, which repeat
 * their meta fields and most tags; a value seen once (`__pack_id__`) takes a place until the cache
 * is full, and then the cache starts again empty.
 */
const CACHED_VALUES = 1024;
/**
 * Longest value kept (chars): host names, paths, addresses, ids. A longer one is written each time,
 * so the cache holds at most about 0.8 MB however large a batch's values are.
 */
const CACHED_VALUE_CHARS = 128;

const utf8 = (text: string) => Buffer.from(text, 'utf8');
/** `,"topic":` … of {@link LINE_META_FIELDS}, in the same order. */
const FIELD_PREFIXES = LINE_META_FIELDS.map((field) => utf8(`,"${field}":`));
const TAGS = utf8(',"tags":');
const NO_TAGS = utf8('{}');
const TAGS_END = utf8('}');
const CONTENTS = utf8(',"contents":');

/**
 * {@link logLineMiddle}'s text for one group after another, written as UTF-8 bytes
 * (`bytes[0, length)`) from kept pieces: the project and logstore, the fields' and tag keys'
 * prefixes, and the JSON text of values seen before. A partition of one-log groups (a Kinesis
 * record per log) otherwise serializes, joins and converts a group's meta and tags for a single
 * line; this took about half of the JSON Lines time of the shape grid's 10,000-record batch
 * (BENCHMARKS.md, issue 15).
 *
 * @example
 * ```ts
 * const middle = new LogLineMiddleBytes('shop', 'nginx');
 * middle.set(group);
 * middle.bytes.copy(out, at, 0, middle.length);
 * ```
 */
export class LogLineMiddleBytes {
  bytes: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  length = 0;
  /** `,"project":…,"logstore":…` (either left out when empty), the same for every group. */
  readonly #start: Buffer;
  readonly #json = new Map<string, Buffer>();
  /** The last tag key order seen, and its `{"key":` / `,"key":` prefixes (`undefined`: not plain). */
  #keys: string[] = [];
  #prefixes: Buffer[] | undefined = [];

  constructor(project: string, logstore: string) {
    this.#start = utf8(logLineStart(project, logstore));
  }

  /** Make `bytes[0, length)` the middle of `group`'s lines. */
  set(group: LogGroup): void {
    this.length = 0;
    this.#copy(this.#start);
    // In LINE_META_FIELDS' order, read by name: a loop over the names measured 1 ms slower per
    // 10,000 groups. Truthy, as logLineMiddle tests them: an empty field is left out.
    const [topic, source, machineUUID, category] = FIELD_PREFIXES as [Buffer, Buffer, Buffer, Buffer];
    if (group.topic) this.#field(topic, group.topic);
    if (group.source) this.#field(source, group.source);
    if (group.machineUUID) this.#field(machineUUID, group.machineUUID);
    if (group.category) this.#field(category, group.category);
    this.#copy(TAGS);
    this.#tags(group.logTags);
    this.#copy(CONTENTS);
  }

  #field(prefix: Buffer, value: unknown): void {
    this.#copy(prefix);
    if (typeof value === 'string' && value.length <= CACHED_VALUE_CHARS) this.#copy(this.#jsonOf(value));
    // Not a string (user code may put anything in a group), or long: written anew, as a template literal would.
    else this.#write(`${JSON.stringify(value)}`);
  }

  #tags(tags: readonly KeyValue[]): void {
    if (!sameKeys(tags, this.#keys)) {
      this.#keys = tags.map((tag) => tag.key);
      this.#prefixes = plainPrefixes(this.#keys)?.map(utf8);
    }
    const prefixes = this.#prefixes;
    const start = this.length;
    if (prefixes !== undefined) {
      let i = 0;
      for (; i < tags.length; i++) {
        const value = tags[i]!.value;
        if (typeof value !== 'string') break;
        this.#field(prefixes[i]!, value);
      }
      if (i === tags.length) {
        this.#copy(i === 0 ? NO_TAGS : TAGS_END);
        return;
      }
    }
    // Keys an object would reorder or merge, or a value that is not a string: the general path.
    this.length = start;
    this.#write(pairsToJson(tags));
  }

  /** The UTF-8 of `JSON.stringify(value)`, kept for the values seen lately. */
  #jsonOf(value: string): Buffer {
    let json = this.#json.get(value);
    if (json === undefined) {
      if (this.#json.size >= CACHED_VALUES) this.#json.clear();
      json = utf8(JSON.stringify(value));
      this.#json.set(value, json);
    }
    return json;
  }

  #write(text: string): void {
    this.#reserve(text.length * MAX_UTF8_BYTES_PER_CHAR);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  #copy(from: Buffer): void {
    this.#reserve(from.length);
    this.bytes.set(from, this.length);
    this.length += from.length;
  }

  #reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + bytes));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}
