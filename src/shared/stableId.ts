import { createHash } from 'node:crypto';

/** Hex characters of an id: 128 bits of SHA-256. */
const ID_HEX_LENGTH = 32;

/**
 * Characters of small fields gathered before one `hash.update`. One native call per field part
 * (three per field) took 2.6 ms for the 10,000 record ids of one object key; gathered, the same
 * digest took 1.35 ms (BENCHMARKS.md, batch shapes). Larger fields are hashed as they are.
 */
const GATHER_CHARS = 64 * 1024;

/**
 * A deterministic id for a list of fields: 128 bits of SHA-256 over the length-prefixed fields
 * (`<UTF-8 length>:<field>;`, so `['ab', 'c']` and `['a', 'bc']` differ), as 32 hex characters.
 * Small fields are gathered and hashed once a run reaches 64 K characters (so a run stays under
 * 128 K), large ones on their own: a long list of large fields (a 1 MiB request's messages) is
 * never joined into one copy.
 *
 * @example
 * ```ts
 * stableId(['v1', 'sqs', messageId]); // '3f1c…' (32 hex characters)
 * ```
 */
export function stableId(fields: Iterable<string>): string {
  const hash = createHash('sha256');
  let gathered = '';
  for (const field of fields) {
    const framed = `${Buffer.byteLength(field)}:`;
    if (field.length < GATHER_CHARS) {
      gathered += `${framed}${field};`;
      if (gathered.length < GATHER_CHARS) continue;
      hash.update(gathered);
    } else {
      hash.update(gathered + framed).update(field);
      gathered = ';';
      continue;
    }
    gathered = '';
  }
  return hash.update(gathered).digest('hex').slice(0, ID_HEX_LENGTH);
}
