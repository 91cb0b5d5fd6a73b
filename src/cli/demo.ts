import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { encodeLogGroupList } from '../protocol/encodeLogGroup.ts';
import { encodeLogGroupListJson } from '../protocol/logGroupJson.ts';
import { localEnv, localHandlers, stopLocalFlushers } from './localHandlers.ts';
import { localLambdaContext } from './localLambdaContext.ts';
import { runPipelineDemo } from './pipelineDemo.ts';
import { webAccessLogGroups } from './sampleLogs.ts';

const DEMO_DIR = '.demo-output';
/** Output of the pipeline part (its own folder, whatever FILE_DIR says). */
const PIPELINE_DEMO_DIR = join(DEMO_DIR, 'pipeline');

/**
 * `npm run demo`: generate web access logs for three logstores in every input format, add a few
 * poison records, run the real SQS and Kinesis handlers on them with the file flusher, and show
 * the batch responses, a summary and where the output landed. Then run one batch through a
 * pipeline of two file flushers, one of them down for the first delivery, to show the retry
 * writing only to the flusher that failed.
 */
export async function runDemo(): Promise<void> {
  const vars = localEnv({
    ...process.env,
    FLUSHER: process.env.FLUSHER ?? 'file',
    FILE_DIR: process.env.FILE_DIR ?? DEMO_DIR,
    PROJECT: process.env.PROJECT ?? 'demo-shop',
    LOGSTORE: process.env.LOGSTORE ?? 'default',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
  });
  const directory = vars.FLUSHER === 'file' ? vars.FILE_DIR! : undefined;
  if (directory) await rm(directory, { recursive: true, force: true });
  const handlers = localHandlers(vars);
  const groups = webAccessLogGroups({
    groups: 24,
    logsPerGroup: 20,
    logstores: ['nginx-access', 'checkout', 'auth'],
  });

  const sqsBodies: { body: string; what: string }[] = [
    ...groups.slice(0, 6).map((g) => ({
      body: Buffer.from(encodeLogGroupList([g])).toString('base64'),
      what: 'protobuf, base64',
    })),
    ...groups.slice(6, 9).map((g) => ({
      body: Buffer.from(gzipSync(encodeLogGroupList([g]))).toString('base64'),
      what: 'gzip protobuf, base64',
    })),
    ...groups.slice(9, 11).map((g) => ({ body: encodeLogGroupListJson([g]), what: 'JSON form' })),
    { body: converterJsonLines(), what: 'converter JSON lines (custom_single)' },
    {
      body: Buffer.from(gzipSync(subscriptionPayload())).toString('base64'),
      what: 'CloudWatch Logs subscription',
    },
    {
      body: Buffer.from(encodeLogGroupList([groups[11]!]))
        .subarray(0, 40)
        .toString('base64'),
      what: 'POISON: truncated protobuf',
    },
    { body: 'hello, this is not a LogGroup', what: 'POISON: plain text' },
  ];
  const sqsEvent = {
    Records: sqsBodies.map(({ body }, i) => ({
      messageId: `demo-sqs-${i}`,
      body,
      attributes: {},
      messageAttributes: {},
    })),
  } as unknown as SQSEvent;

  const kinesisData = [
    ...groups.slice(12, 22).map((g) => encodeLogGroupList([g])),
    gzipSync(encodeLogGroupList(groups.slice(22, 24))),
    Buffer.from([0xf3, 0x89, 0x9a, 0xc2, 0x0a, 0x02, 0x70, 0x6b, ...new Array(16).fill(0)]), // POISON: KPL, bad MD5
  ];
  const kinesisEvent = {
    Records: kinesisData.map((data, i) => {
      const sequenceNumber = `4960000000000000000000000000000000000000000000000${String(i).padStart(2, '0')}`;
      return {
        eventID: `shardId-000000000000:${sequenceNumber}`,
        kinesis: { sequenceNumber, data: Buffer.from(data).toString('base64') },
      };
    }),
  } as unknown as KinesisStreamEvent;

  console.log(`loggroup-flusher demo (Node ${process.version}), destination: FLUSHER=${vars.FLUSHER}\n`);
  console.log('── One flusher: every input format, and poison records ──\n');
  console.log(`SQS batch: ${sqsBodies.length} messages`);
  for (const [i, { what }] of sqsBodies.entries()) console.log(`  demo-sqs-${i}: ${what}`);
  const sqsResponse = await handlers.sqs(sqsEvent, localLambdaContext(30_000) as Context);
  console.log(`SQS batch response: ${JSON.stringify(sqsResponse)}\n`);

  console.log(
    `Kinesis batch: ${kinesisData.length} records (10 protobuf, 1 gzip protobuf, 1 KPL aggregate with a bad checksum)`,
  );
  const kinesisResponse = await handlers.kinesis(kinesisEvent, localLambdaContext(30_000) as Context);
  console.log(`Kinesis batch response: ${JSON.stringify(kinesisResponse)}\n`);
  await stopLocalFlushers();

  const failures = sqsResponse.batchItemFailures.length + kinesisResponse.batchItemFailures.length;
  console.log(
    `records: ${sqsBodies.length + kinesisData.length}, quarantined: ${handlers.stats.quarantined}, handed back for retry: ${failures}`,
  );
  if (directory) await summarise(directory);
  else console.log(`quarantine: ${handlers.stats.quarantine}`);
  if (failures > 0) process.exitCode = 1;

  if (!(await runPipelineDemo(join(process.cwd(), PIPELINE_DEMO_DIR)))) process.exitCode = 1;
  console.log(`output: ${join(process.cwd(), PIPELINE_DEMO_DIR)}`);
}

function converterJsonLines(): string {
  const now = Math.floor(Date.now() / 1000);
  return [0, 1, 2]
    .map((i) =>
      JSON.stringify({
        contents: { method: 'GET', request_uri: `/api/items/${i}`, status: '200' },
        tags: { __hostname__: 'web-9', __logstore__: 'nginx-access' },
        time: now - 60 + i,
      }),
    )
    .join('\n');
}

function subscriptionPayload(): string {
  const now = Date.now();
  const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '/');
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: '/aws/lambda/checkout',
    logStream: `${day}/[$LATEST]abc`,
    subscriptionFilters: ['to-loggroup-flusher'],
    logEvents: [0, 1].map((i) => ({
      id: `3800000000000000000000000000000000000000000000000${i}`,
      timestamp: now - 30_000 + i,
      message: `payment ok order=${i}`,
    })),
  });
}

async function summarise(directory: string): Promise<void> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const perLogstore = new Map<string, { files: number; logs: number }>();
  const reasons: string[] = [];
  for (const file of files) {
    const path = relative(directory, file);
    const text = await readFile(file, 'utf8');
    if (path.startsWith('_quarantine')) {
      const entry = JSON.parse(text);
      reasons.push(`${entry.source} ${entry.recordId}: ${entry.reason} (${entry.detail})`);
      continue;
    }
    const key = path.split(/[\\/]/).slice(0, 2).join('/');
    const stats = perLogstore.get(key) ?? { files: 0, logs: 0 };
    stats.files++;
    stats.logs += text.split('\n').filter(Boolean).length;
    perLogstore.set(key, stats);
  }
  console.log('\nproject/logstore                          files   logs');
  for (const [key, { files: count, logs }] of [...perLogstore].sort()) {
    console.log(`${key.padEnd(40)} ${String(count).padStart(6)} ${String(logs).padStart(6)}`);
  }
  console.log(`\nquarantined:\n${reasons.map((r) => `  ${r}`).join('\n')}`);
  console.log(`\noutput: ${join(process.cwd(), directory)} (JSON Lines; quarantine in _quarantine/)`);
}
