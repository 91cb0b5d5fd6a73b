import { stableId } from '../../shared/stableId.ts';
import { S3Compression, S3Format } from './config.ts';
import type { Partition } from './partitionByHour.ts';

/** Bumped if the id derivation ever changes, so old and new ids cannot collide. */
const ID_VERSION = 'loggroup-flusher/s3/v2';

const EXTENSIONS = {
  format: { [S3Format.jsonl]: '.jsonl', [S3Format.protobuf]: '.pb', [S3Format.parquet]: '.parquet' },
  compression: { [S3Compression.gzip]: '.gz', [S3Compression.zstd]: '.zst', [S3Compression.none]: '' },
} as const;

const CONTENT_TYPES = {
  [S3Format.jsonl]: 'application/x-ndjson',
  [S3Format.protobuf]: 'application/x-protobuf',
  [S3Format.parquet]: 'application/vnd.apache.parquet',
} as const;

/** What the object's HTTP headers and user metadata say about it. */
export interface ObjectHeaders {
  readonly contentType: string;
  readonly contentEncoding: string | undefined;
  /** `x-amz-meta-*`: `log-count`, `first-log-time` / `last-log-time` (ISO 8601 UTC), `format`. */
  readonly metadata: Record<string, string>;
}

/** Everything that identifies one object's content, for {@link objectKey}. */
export interface ObjectIdentity {
  readonly keyPrefix: string;
  /** The partition's folder: the key template rendered for its logs (see `KeyTemplate`). */
  readonly folder: string;
  readonly project: string;
  readonly logstore: string;
  /**
   * The rest of the flush's destination: a record's groups bound for another config or logstore
   * key are flushed by another call and must not be taken for this object.
   */
  readonly configName: string;
  readonly logstoreKey: string;
  readonly format: S3Format;
  readonly compression: S3Compression;
  readonly hour: number;
  /** The source records that fed the object (see {@link partitionRecordIds}). */
  readonly recordIds: readonly string[];
  /** SHA-256 (hex) of the uncompressed body. */
  readonly contentSha256: string;
}

/**
 * The object's key: `${prefix}${folder}<id>.<ext>`, where the folder is the rendered key template
 * (by default `<project>/<logstore>/dt=YYYY-MM-DD/hour=HH/`). `<id>` hashes the destination (config
 * name and logstore key included), the record ids, the partition's hour and the uncompressed
 * content (the folder, which the key holds anyway, is left out, so the default template keeps the
 * ids it always gave), so
 * redelivering the same records yields the same key (and the conditional write turns the second
 * copy into a no-op), while different records never share a key even when their logs are
 * identical.
 *
 * @example
 * ```ts
 * objectKey({ keyPrefix: 'logs/', folder: 'shop/nginx/dt=2023-12-17/hour=08/', project: 'shop',
 *   logstore: 'nginx', configName: 'cfg', logstoreKey: '', format: 'jsonl', compression: 'gzip', hour: 473_000, recordIds: ['m-1'], contentSha256: '…' });
 * // 'logs/shop/nginx/dt=2023-12-17/hour=08/3f1c….jsonl.gz'
 * ```
 */
export function objectKey(identity: ObjectIdentity): string {
  const id = stableId([
    ID_VERSION,
    identity.project,
    identity.logstore,
    identity.configName,
    identity.logstoreKey,
    String(identity.hour),
    `${identity.format}/${identity.compression}`,
    String(identity.recordIds.length),
    ...identity.recordIds,
    identity.contentSha256,
  ]);
  return `${identity.keyPrefix}${identity.folder}${id}${objectExtension(identity.format, identity.compression)}`;
}

/** `.jsonl.gz`, `.pb.zst`, `.jsonl`, … */
export function objectExtension(format: S3Format, compression: S3Compression): string {
  return `${EXTENSIONS.format[format]}${EXTENSIONS.compression[compression]}`;
}

/**
 * The ids of the records whose groups fed `partition`, distinct, in order. `recordIds[i]` is the
 * record of `logGroups[i]`; when the lengths disagree every id is taken (still deterministic).
 * `undefined` when the runtime passed no ids: the caller must then make the key unique itself.
 */
export function partitionRecordIds(
  partition: Partition,
  recordIds: readonly string[] | undefined,
  groupCount: number,
): readonly string[] | undefined {
  if (recordIds === undefined || recordIds.length === 0) return undefined;
  if (recordIds.length !== groupCount) return [...new Set(recordIds)];
  // A record's groups are usually next to each other: its repeats are dropped before the Set.
  const ids: string[] = [];
  const seen = new Set<string>();
  let last: string | undefined;
  for (const { groupIndex } of partition.slices) {
    const id = recordIds[groupIndex]!;
    if (id === last) continue;
    last = id;
    if (seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
  }
  return ids;
}

/** Content-Type, Content-Encoding and metadata of a partition's object. */
export function objectHeaders(
  partition: Partition,
  format: S3Format,
  compression: S3Compression,
): ObjectHeaders {
  return {
    contentType: CONTENT_TYPES[format],
    contentEncoding: compression === S3Compression.none ? undefined : compression,
    metadata: {
      'log-count': String(partition.logCount),
      'first-log-time': new Date(partition.minTime * 1000).toISOString(),
      'last-log-time': new Date(partition.maxTime * 1000).toISOString(),
      format,
    },
  };
}
