import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAccessLogGroups } from '../../src/cli/sampleLogs.ts';
import type { Flusher } from '../../src/flusher/Flusher.ts';
import { FileFlusher } from '../../src/flushers/file/FileFlusher.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { FileQuarantineSink } from '../../src/quarantine/FileQuarantineSink.ts';
import { createKinesisHandler } from '../../src/runtime/handlers.ts';
import { kinesisEventFrom, readShard } from '../fixtures/kinesis/eventSourceMapping.ts';
import { type KinesisServer, startKinesisServer } from '../fixtures/kinesis/kinesisServer.ts';
import { lambdaContext } from '../helpers/events.ts';
import { kplAggregate } from '../helpers/kpl.ts';

async function readOutput(directory: string) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  const logs: Record<string, unknown>[] = [];
  const quarantine: Record<string, unknown>[] = [];
  for (const entry of entries.filter((e) => e.isFile())) {
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    if (entry.parentPath.includes('_quarantine')) quarantine.push(JSON.parse(text));
    else
      logs.push(
        ...text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
      );
  }
  return { logs, quarantine };
}

describe('Kinesis (kinesalite) → handler → file flusher, end to end', () => {
  let kinesis: KinesisServer;
  let directory: string;
  beforeAll(async () => {
    kinesis = await startKinesisServer();
    directory = await mkdtemp(join(tmpdir(), 'e2e-kinesis-'));
  });
  afterAll(async () => {
    await kinesis.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('delivers every log of every format exactly once, quarantines poison, and resumes from the checkpoint', async () => {
    const streamArn = await kinesis.createStream('ingest');
    const groups = webAccessLogGroups({
      groups: 12,
      logsPerGroup: 5,
      logstores: ['nginx', 'checkout', 'auth'],
    });
    const data = [
      ...groups.slice(0, 6).map((g) => encodeLogGroupList([g])),
      gzipSync(encodeLogGroupList(groups.slice(6, 8))),
      kplAggregate(groups.slice(8, 12).map((g) => encodeLogGroupList([g]))),
      Buffer.from('definitely not a LogGroup'),
    ];
    await kinesis.client.send(
      new PutRecordsCommand({
        StreamName: 'ingest',
        Records: data.map((Data, i) => ({ Data, PartitionKey: `pk-${i}` })),
      }),
    );
    const records = await readShard(kinesis.client, 'ingest');
    expect(records).toHaveLength(data.length);

    // First delivery: the checkout logstore is not ready, so the shard stops at its first record.
    let checkoutReady = false;
    const flusher = (): Flusher => {
      const file = new FileFlusher({ directory });
      return {
        init: (context) => file.init(context),
        description: () => file.description(),
        isReady: (_p, logstore) => logstore !== 'checkout' || checkoutReady,
        flush: (...args) => file.flush(...args),
        setUrgent: (flag) => file.setUrgent(flag),
        stop: (options) => file.stop(options),
      };
    };
    const handler = createKinesisHandler({
      flusher,
      quarantine: new FileQuarantineSink(join(directory, '_quarantine')),
      project: 'shop',
      shutdownHook: false,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const first = await handler(kinesisEventFrom(records, streamArn), lambdaContext());
    const firstCheckout = records.findIndex(
      (_, i) => i < 6 && groups[i]!.logTags.some((t) => t.value === 'checkout'),
    );
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[firstCheckout]!.SequenceNumber }]);

    // Redelivery from the checkpoint, as Lambda does, once the destination is ready.
    checkoutReady = true;
    const again = await readShard(kinesis.client, 'ingest', {
      atSequenceNumber: first.batchItemFailures[0]!.itemIdentifier,
    });
    const second = await handler(kinesisEventFrom(again, streamArn), lambdaContext());
    expect(second.batchItemFailures).toEqual([]);

    const { logs, quarantine } = await readOutput(directory);
    const expectedIds = groups.flatMap((g) =>
      g.logs.map((l) => l.contents.find((c) => c.key === 'request_id')!.value),
    );
    const deliveredIds = logs.map((l) => (l.contents as Record<string, string>).request_id);
    expect(deliveredIds.sort()).toEqual(expectedIds.sort());
    expect(new Set(logs.map((l) => `${l.project}/${l.logstore}`))).toEqual(
      new Set(['shop/nginx', 'shop/checkout', 'shop/auth']),
    );
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0]).toMatchObject({ source: 'kinesis', recordId: records.at(-1)!.SequenceNumber });
    expect(Buffer.from(quarantine[0]!.payloadBase64 as string, 'base64').toString()).toBe(
      'definitely not a LogGroup',
    );
  });
});
