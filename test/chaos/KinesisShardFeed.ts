import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { kinesisEventFrom } from '../fixtures/kinesis/eventSourceMapping.ts';
import type { ChaosRecord } from './workload.ts';

/** PutRecords takes at most 500 records per call (Kinesis limit). */
const PUT_RECORDS_MAX_ENTRIES = 500;
/** PutRecords takes at most 5 MiB per call (Kinesis limit); kept well under. */
const PUT_RECORDS_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Put every record into the stream (kinesalite), in order, and set each record's `id` to the
 * sequence number Kinesis assigned. Returns the records of each shard, in sequence order.
 */
export async function putRecords(
  client: KinesisClient,
  streamName: string,
  records: readonly ChaosRecord[],
): Promise<Map<string, ChaosRecord[]>> {
  const byShard = new Map<string, ChaosRecord[]>();
  let chunk: ChaosRecord[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const result = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: chunk.map((record) => ({ Data: record.data, PartitionKey: record.partitionKey })),
      }),
    );
    if ((result.FailedRecordCount ?? 0) > 0) throw new Error('kinesalite refused records');
    result.Records!.forEach((entry, i) => {
      const record = chunk[i]!;
      record.id = entry.SequenceNumber!;
      const shard = byShard.get(entry.ShardId!) ?? [];
      shard.push(record);
      byShard.set(entry.ShardId!, shard);
    });
    chunk = [];
    bytes = 0;
  };
  for (const record of records) {
    if (chunk.length >= PUT_RECORDS_MAX_ENTRIES || bytes + record.data.length > PUT_RECORDS_MAX_BYTES)
      await flush();
    chunk.push(record);
    bytes += record.data.length;
  }
  await flush();
  for (const shard of byShard.values()) shard.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return byShard;
}

/**
 * One shard as a Lambda event source mapping reads it: batches from the checkpoint (GetRecords on
 * kinesalite); after a partial batch response the next batch starts AT the reported sequence number,
 * after an empty one AFTER the batch's last record; when the function throws, times out or names a
 * record that is not in the batch, the same batch comes again (retries without limit, no bisecting).
 */
export class KinesisShardFeed {
  readonly acked = new Set<string>();
  /** Responses Lambda would refuse (an itemIdentifier not in the batch). */
  readonly invalidResponses: string[] = [];
  deliveries = 0;
  /** The most deliveries of one batch start without the checkpoint moving. */
  maxAttemptsAtCheckpoint = 0;
  #checkpoint: { type: ShardIteratorType; sequenceNumber?: string } = { type: 'TRIM_HORIZON' };
  #attempts = 0;
  readonly #bySequence: Map<string, ChaosRecord>;

  constructor(
    readonly client: KinesisClient,
    readonly streamName: string,
    readonly streamArn: string,
    readonly shardId: string,
    readonly records: readonly ChaosRecord[],
  ) {
    this.#bySequence = new Map(records.map((record) => [record.id, record]));
  }

  get drained(): boolean {
    return this.acked.size === this.records.length;
  }

  /** The next batch from the checkpoint: its Lambda event and its records. */
  async read(limit: number): Promise<{ event: KinesisStreamEvent; batch: ChaosRecord[] }> {
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.streamName,
        ShardId: this.shardId,
        ShardIteratorType: this.#checkpoint.type,
        StartingSequenceNumber: this.#checkpoint.sequenceNumber,
      }),
    );
    const { Records = [] } = await this.client.send(new GetRecordsCommand({ ShardIterator, Limit: limit }));
    if (Records.length === 0)
      throw new Error(`${this.shardId}: no records past the checkpoint, yet not drained`);
    this.#attempts++;
    this.maxAttemptsAtCheckpoint = Math.max(this.maxAttemptsAtCheckpoint, this.#attempts);
    this.deliveries += Records.length;
    const batch = Records.map((record) => this.#bySequence.get(record.SequenceNumber!)!);
    return { event: kinesisEventFrom(Records, this.streamArn, this.shardId), batch };
  }

  /** Move the checkpoint as Lambda does for this answer (`undefined`: the function threw or timed out). */
  settle(
    batch: readonly ChaosRecord[],
    answer: { readonly response: KinesisStreamBatchResponse } | undefined,
  ): void {
    if (answer === undefined) return;
    const failures: unknown = answer.response?.batchItemFailures;
    if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) {
      // Lambda reads no response, or no list, or an empty one, as "the whole batch succeeded".
      if (failures == null)
        this.invalidResponses.push(`no batchItemFailures list: ${String(JSON.stringify(answer.response))}`);
      this.#ack(batch, batch.length);
      this.#checkpoint = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: batch.at(-1)!.id };
      return;
    }
    const listed = Array.isArray(failures) ? (failures as Array<{ itemIdentifier?: unknown }>) : [];
    const positions = listed.map((failure) => batch.findIndex((r) => r.id === failure?.itemIdentifier));
    if (listed.length === 0 || positions.some((position) => position < 0)) {
      // An identifier that is not in the batch: Lambda retries the whole batch.
      this.invalidResponses.push(JSON.stringify(failures).slice(0, 300));
      return;
    }
    const first = Math.min(...positions);
    this.#ack(batch, first);
    this.#checkpoint = { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: batch[first]!.id };
  }

  #ack(batch: readonly ChaosRecord[], count: number): void {
    if (count > 0) this.#attempts = 0;
    for (const record of batch.slice(0, count)) this.acked.add(record.id);
  }
}
