import { DeadlineError, EncodeError, FlushError } from '../../errors.ts';
import type { LogGroup } from '../../protocol/LogGroup.ts';
import { compressBody } from './compressBody.ts';
import { type S3Config, S3Format } from './config.ts';
import { encodePartition } from './encodePartition.ts';
import { type ObjectHeaders, objectHeaders, objectKey, partitionRecordIds } from './objectLayout.ts';
import { parquetBody } from './parquetBody.ts';
import type { Partition } from './partitionByHour.ts';

/** What one flush is writing, shared by its partition workers. */
export interface FlushJob {
  readonly project: string;
  readonly logstore: string;
  readonly configName: string;
  readonly logstoreKey: string;
  readonly groups: readonly LogGroup[];
  readonly recordIds: readonly string[] | undefined;
  /** Makes keys unique when the runtime passed no record ids (no idempotency possible then). */
  readonly nonce: string;
}

/** One partition's object, ready to upload. */
export interface PartitionObject {
  readonly key: string;
  /** False when the runtime passed no record ids: the key is unique to this flush, never seen again. */
  readonly keyed: boolean;
  readonly body: Buffer;
  readonly rawBytes: number;
  readonly headers: ObjectHeaders;
}

/**
 * Encode, compress and name one partition's object (no I/O). Bad logs become a permanent
 * FlushError, an abort while compressing a DeadlineError.
 *
 * @example
 * ```ts
 * const object = await buildPartitionObject(job, partition, config, signal);
 * await writeObjectIfAbsent(client, { bucket, key: object.key, body: object.body, ...object.headers }, options);
 * ```
 */
export async function buildPartitionObject(
  job: FlushJob,
  partition: Partition,
  config: Pick<S3Config, 'keyPrefix' | 'format' | 'compression' | 'parquetCompression' | 'parquetColumns'>,
  signal: AbortSignal,
): Promise<PartitionObject> {
  const { keyPrefix, format, compression } = config;
  let compressed: Awaited<ReturnType<typeof compressBody>>;
  try {
    compressed =
      format === S3Format.parquet
        ? await parquetBody(partition, job.project, job.logstore, config, signal)
        : await compressBody(
            encodePartition(partition, format, job.project, job.logstore),
            compression,
            signal,
          );
  } catch (error) {
    if (error instanceof EncodeError) {
      throw new FlushError(`s3: cannot encode these logs: ${error.message}`, false, { cause: error });
    }
    if (signal.aborted) throw new DeadlineError('s3: aborted while encoding', { cause: error });
    throw new FlushError(`s3: encoding or compression failed: ${(error as Error).message}`, true, {
      cause: error,
    });
  }
  const keyedIds = partitionRecordIds(partition, job.recordIds, job.groups.length);
  const key = objectKey({
    keyPrefix,
    folder: partition.folder,
    project: job.project,
    logstore: job.logstore,
    configName: job.configName,
    logstoreKey: job.logstoreKey,
    format,
    compression,
    hour: partition.hour,
    recordIds: keyedIds ?? [`unkeyed:${job.nonce}`],
    contentSha256: compressed.contentSha256,
  });
  return {
    key,
    keyed: keyedIds !== undefined,
    body: compressed.body,
    rawBytes: compressed.rawBytes,
    headers: objectHeaders(partition, format, compression),
  };
}
