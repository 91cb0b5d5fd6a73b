import { createHash } from 'node:crypto';

/** Hex characters of an id: 128 bits of SHA-256. */
const ID_HEX_LENGTH = 32;

/**
 * A deterministic id for a list of fields: 128 bits of SHA-256 over the length-prefixed fields
 * (so `['ab', 'c']` and `['a', 'bc']` differ), as 32 hex characters. Fields are hashed one by
 * one, never joined, so a long list of large fields (a 1 MiB request's messages) costs no copy.
 *
 * @example
 * ```ts
 * stableId(['v1', 'sqs', messageId]); // '3f1c…' (32 hex characters)
 * ```
 */
export function stableId(fields: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const field of fields)
    hash
      .update(`${Buffer.byteLength(field)}:`)
      .update(field)
      .update(';');
  return hash.digest('hex').slice(0, ID_HEX_LENGTH);
}
