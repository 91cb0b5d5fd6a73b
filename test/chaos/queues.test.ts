import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KinesisServer, startKinesisServer } from '../fixtures/kinesis/kinesisServer.ts';
import { createRandom } from '../helpers/random.ts';
import { KinesisShardFeed, putRecords } from './KinesisShardFeed.ts';
import { SqsFifoQueue } from './SqsFifoQueue.ts';
import { SqsStandardQueue } from './SqsStandardQueue.ts';
import type { ChaosRecord } from './workload.ts';

// The simulated event sources must behave like the real ones, or the chaos run proves nothing.

const record = (id: string, groupId?: string): ChaosRecord => ({
  index: 0,
  id,
  body: id,
  data: Buffer.from(id),
  format: 'test',
  logs: [],
  poison: undefined,
  groupId,
  attributes: {},
  partitionKey: id,
});
const NO_DELAY = { minMs: 0, maxMs: 0 };
const ids = (batch: ReadonlyArray<{ record: ChaosRecord }>) => batch.map((d) => d.record.id);

describe('SqsStandardQueue', () => {
  it('deletes acked messages, brings back exactly the reported ones, and the whole batch after a failure', () => {
    const queue = new SqsStandardQueue(
      ['a', 'b', 'c', 'd'].map((id) => record(id)),
      createRandom(1),
      NO_DELAY,
    );
    const first = queue.receive(4);
    expect(ids(first).sort()).toEqual(['a', 'b', 'c', 'd']);
    queue.settle(first, { kind: 'partial', failedIds: new Set(['b']) });
    expect([...queue.acked].sort()).toEqual(['a', 'c', 'd']);
    const second = queue.receive(4);
    expect(ids(second)).toEqual(['b']);
    expect(second[0]!.receiveCount).toBe(2);
    queue.settle(second, { kind: 'all-failed' });
    expect(queue.drained).toBe(false);
    const third = queue.receive(4);
    queue.settle(third, { kind: 'partial', failedIds: new Set() });
    expect(queue.drained).toBe(true);
    expect(queue.deliveries).toBe(6);
  });

  it('keeps a failed message hidden for the visibility delay', async () => {
    const queue = new SqsStandardQueue([record('a')], createRandom(1), { minMs: 40, maxMs: 40 });
    queue.settle(queue.receive(1), { kind: 'all-failed' });
    expect(queue.receive(1)).toEqual([]);
    await sleep(60);
    expect(ids(queue.receive(1))).toEqual(['a']);
  });

  it('can deliver a message twice at once (at least once); the first ack deletes it', () => {
    const queue = new SqsStandardQueue([record('a')], createRandom(1), NO_DELAY, 1);
    const first = queue.receive(1);
    const copy = queue.receive(1);
    expect(ids(copy)).toEqual(['a']);
    queue.settle(copy, { kind: 'partial', failedIds: new Set() });
    queue.settle(first, { kind: 'all-failed' });
    expect(queue.receive(1)).toEqual([]);
    expect(queue.drained).toBe(true);
  });
});

describe('SqsFifoQueue', () => {
  it('serves each group in order, blocks it while in flight, and brings a failed message back first', () => {
    const queue = new SqsFifoQueue(
      [record('g1-1', 'g1'), record('g2-1', 'g2'), record('g1-2', 'g1'), record('g1-3', 'g1')],
      createRandom(1),
      NO_DELAY,
    );
    const batch = queue.receive(10);
    expect(ids(batch).filter((id) => id.startsWith('g1'))).toEqual(['g1-1', 'g1-2', 'g1-3']);
    expect(ids(batch)).toContain('g2-1');
    expect(queue.receive(10)).toEqual([]); // every group is in flight
    queue.settle(batch, { kind: 'partial', failedIds: new Set(['g1-2', 'g1-3']) });
    expect([...queue.acked].sort()).toEqual(['g1-1', 'g2-1']);
    expect(ids(queue.receive(10))).toEqual(['g1-2', 'g1-3']);
    expect(queue.violations).toEqual([]);
  });

  it('records a violation when a later message of a group is acked after an earlier one failed', () => {
    const queue = new SqsFifoQueue([record('1', 'g'), record('2', 'g')], createRandom(1), NO_DELAY);
    queue.settle(queue.receive(10), { kind: 'partial', failedIds: new Set(['1']) });
    expect(queue.violations).toEqual([{ groupId: 'g', acked: '2', afterFailed: '1' }]);
  });
});

describe('KinesisShardFeed (kinesalite)', () => {
  let kinesis: KinesisServer;
  beforeAll(async () => {
    kinesis = await startKinesisServer();
  });
  afterAll(async () => {
    await kinesis.close();
  });

  it('resumes at the reported record, after the batch on success, and retries the same batch on failure', async () => {
    const arn = await kinesis.createStream('feed', 1);
    const records = ['r0', 'r1', 'r2', 'r3', 'r4'].map((id) => record(id));
    const [shardId, shard] = [...(await putRecords(kinesis.client, 'feed', records))][0]!;
    const feed = new KinesisShardFeed(kinesis.client, 'feed', arn, shardId, shard);
    const sequence = (i: number) => records[i]!.id;

    const first = await feed.read(3);
    expect(first.batch.map((r) => r.partitionKey)).toEqual(['r0', 'r1', 'r2']);
    feed.settle(first.batch, { response: { batchItemFailures: [{ itemIdentifier: sequence(1) }] } });
    expect([...feed.acked]).toEqual([sequence(0)]);

    const second = await feed.read(3);
    expect(second.batch.map((r) => r.partitionKey)).toEqual(['r1', 'r2', 'r3']);
    feed.settle(second.batch, undefined); // threw or timed out
    feed.settle(second.batch, { response: { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } });
    expect(feed.invalidResponses).toHaveLength(1);
    const third = await feed.read(3);
    expect(third.batch.map((r) => r.partitionKey)).toEqual(['r1', 'r2', 'r3']);
    feed.settle(third.batch, { response: { batchItemFailures: [] } });

    const last = await feed.read(3);
    expect(last.batch.map((r) => r.partitionKey)).toEqual(['r4']);
    feed.settle(last.batch, { response: { batchItemFailures: [] } });
    expect(feed.drained).toBe(true);
  });
});
