import { createHash, type Hash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { encodeLogGroupList } from '../../protocol/encodeLogGroup.ts';
import type { Log } from '../../protocol/LogGroup.ts';
import type { CompressedBody } from './compressBody.ts';
import type { S3Config } from './config.ts';
import { type GroupLogs, parquetColumns } from './parquetColumns.ts';
import { type Partition, type PartitionSlice, sliceLogIndexes, sliceLogs } from './partitionByHour.ts';

/**
 * A partition's Parquet file (see `encodeParquet`), with the hash the object's id takes. The hash
 * is of the logs' protobuf encoding, not of the file: Parquet bytes change with the writer's and
 * the codecs' versions, and a redelivery after an upgrade must still find the object it wrote
 * before. The writer is loaded on first use, so functions writing other formats never pay for its
 * import at cold start.
 *
 * @example
 * ```ts
 * const { body, contentSha256 } = await parquetBody(partition, 'shop', 'nginx', config, signal);
 * ```
 */
export async function parquetBody(
  partition: Partition,
  project: string,
  logstore: string,
  config: Pick<S3Config, 'parquetCompression' | 'parquetColumns'>,
  signal: AbortSignal,
): Promise<CompressedBody> {
  const { encodeParquet } = await import('./encodeParquet.ts');
  const groupLogs: GroupLogs = partition.slices.map((slice) => ({
    group: slice.group,
    logs: sliceLogs(slice),
  }));
  const hash = createHash('sha256');
  partition.slices.forEach((slice, i) => {
    hashSlice(hash, slice, groupLogs[i]!.logs);
  });
  // Building the file is synchronous work (BENCHMARKS.md, Parquet): let timers and the SIGTERM hook
  // run between its steps.
  await setImmediate();
  signal.throwIfAborted();
  const columns = parquetColumns(groupLogs, config.parquetColumns);
  await setImmediate();
  signal.throwIfAborted();
  const body = encodeParquet(columns, project, logstore, config.parquetColumns, config.parquetCompression);
  return { body, rawBytes: body.length, contentSha256: hash.digest('hex') };
}

/**
 * Hash one slice's group and logs: the logs' own protobuf bytes when they are still encoded (the
 * same records always bring the same bytes; re-encoding them took a tenth of the Parquet build on
 * the benchmark batch), else their encoding.
 */
function hashSlice(hash: Hash, slice: PartitionSlice, logs: readonly Log[]): void {
  // The group's fields one by one: spreading it would read (and so decode for good) its `logs`.
  const { topic, source, category, machineUUID, logTags } = slice.group;
  const encoded = slice.encoded;
  const group = { topic, source, category, machineUUID, logTags };
  if (encoded === undefined) {
    hash.update(encodeLogGroupList([{ ...group, logs: [...logs] }]));
    return;
  }
  hash.update(encodeLogGroupList([{ ...group, logs: [] }]));
  for (const index of sliceLogIndexes(slice)) {
    const [start, end] = [encoded.starts[index]!, encoded.ends[index]!];
    hash.update(`${end - start}:`).update(encoded.bytes.subarray(start, end));
  }
}
