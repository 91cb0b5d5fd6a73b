import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { pipelineFromConfig } from '../config/pipelineFromConfig.ts';
import { FlushError } from '../errors.ts';
import type { Flusher, FlusherContext, FlushOptions, StopOptions } from '../flusher/Flusher.ts';
import type { PipelineFlusher } from '../pipeline/PipelineFlusher.ts';
import { logCount } from '../protocol/encodedLogs.ts';
import { encodeLogGroupList } from '../protocol/encodeLogGroup.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import type { FlusherSource } from '../runtime/FlusherHolder.ts';
import { createSqsHandler } from '../runtime/handlers.ts';
import { stopLocalFlushers } from './localHandlers.ts';
import { localLambdaContext } from './localLambdaContext.ts';
import { webAccessLogGroups } from './sampleLogs.ts';

const LOGSTORES = ['nginx-access', 'checkout', 'auth'] as const;
const LOGS_PER_MESSAGE = 5;

/** The demo's pipeline file: the same YAML a deployment names with PIPELINE_CONFIG. */
function pipelineYaml(directory: string): string {
  return `flushers:
  - Type: flusher_file
    Name: archive          # every LogGroup
    Directory: ${directory}/archive
  - Type: flusher_file
    Name: search           # only two logstores
    Directory: ${directory}/search
    Match:
      Logstore: [checkout, auth]
`;
}

/** What one pipeline flusher stored in one delivery. */
interface Received {
  logs: number;
  records: Set<string>;
  failed: string | undefined;
}

/**
 * Wraps a pipeline flusher to count what it stores, and to fail every flush while `down()` says so
 * (a destination outage). Everything else goes straight to the real flusher.
 */
class RecordingFlusher implements Flusher {
  constructor(
    private readonly inner: Flusher,
    private readonly received: () => Received,
    private readonly down: () => boolean,
  ) {}

  init(context: FlusherContext): Promise<void> {
    return this.inner.init(context);
  }

  description(): string {
    return this.inner.description();
  }

  isReady(project: string, logstore: string, logstoreKey: string): boolean {
    return this.inner.isReady(project, logstore, logstoreKey);
  }

  async flush(
    project: string,
    logstore: string,
    configName: string,
    logGroups: readonly LogGroup[],
    options?: FlushOptions,
  ): Promise<void> {
    const received = this.received();
    if (this.down()) {
      received.failed = 'simulated outage';
      throw new FlushError(`${logstore}: simulated outage`, true);
    }
    await this.inner.flush(project, logstore, configName, logGroups, options);
    for (const group of logGroups) received.logs += logCount(group);
    for (const id of options?.recordIds ?? []) received.records.add(id);
  }

  setUrgent(flag: boolean): void {
    this.inner.setUrgent(flag);
  }

  stop(options?: StopOptions): Promise<void> {
    return this.inner.stop(options);
  }
}

const fresh = (): Received => ({ logs: 0, records: new Set(), failed: undefined });
const make = (source: FlusherSource): Flusher => (typeof source === 'function' ? source() : source);

/**
 * The second part of `npm run demo`: one SQS batch through a pipeline of two file flushers built
 * from a pipeline file, `archive` (everything) and `search` (two logstores). `search` is down for
 * the first delivery: the records it owes go back to the queue, `archive` keeps what it stored,
 * and the redelivery writes only to `search`. Returns whether each flusher ends up holding
 * exactly its logs, once.
 */
export async function runPipelineDemo(directory: string): Promise<boolean> {
  await rm(directory, { recursive: true, force: true });
  const yaml = pipelineYaml(relative(process.cwd(), directory) || '.');
  const pipeline = pipelineFromConfig(yaml, 'demo-pipeline.yaml', {});
  const received = new Map(pipeline.flushers.map(({ name }) => [name, fresh()]));
  let searchDown = true;
  const flushers: PipelineFlusher[] = pipeline.flushers.map((flusher) => ({
    ...flusher,
    flusher: () =>
      new RecordingFlusher(
        make(flusher.flusher),
        () => received.get(flusher.name)!,
        () => flusher.name === 'search' && searchDown,
      ),
  }));
  const handler = createSqsHandler({
    flushers,
    quarantine: pipeline.quarantine,
    project: 'demo-shop',
    shutdownHook: false,
  });

  const groups = webAccessLogGroups({
    groups: 9,
    logsPerGroup: LOGS_PER_MESSAGE,
    logstores: LOGSTORES,
    seed: 7,
  });
  const records: SQSRecord[] = groups.map((group, i) => ({
    messageId: `demo-pipeline-${i}`,
    body: Buffer.from(encodeLogGroupList([group])).toString('base64'),
    attributes: {},
    messageAttributes: {},
  })) as unknown as SQSRecord[];

  console.log('\n── Pipeline: two flushers in one deployment (README "Pipelines") ──\n');
  console.log('A record is acked once every flusher its LogGroups route to has stored them; when one');
  console.log('fails, the record is retried and only the flushers that still owe it write again.\n');
  console.log('pipeline file (PIPELINE_CONFIG):');
  console.log(yaml.replace(/^/gm, '  ').trimEnd());

  const deliver = async (title: string, batch: SQSRecord[]) => {
    for (const name of received.keys()) received.set(name, fresh());
    console.log(`\n${title}`);
    const response = await handler({ Records: batch } as SQSEvent, localLambdaContext(30_000) as Context);
    for (const [name, got] of received) {
      const what =
        got.failed !== undefined
          ? `flush failed (${got.failed}): nothing stored`
          : got.logs === 0
            ? 'nothing to write: it already stored these in delivery 1'
            : `stored ${got.logs} logs of ${got.records.size} messages`;
      console.log(`  ${name.padEnd(8)} ${what}`);
    }
    const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    console.log(
      failed.length === 0
        ? '  response: every message acked'
        : `  response: ${failed.length} messages handed back for retry (${failed.join(', ')})`,
    );
    return failed;
  };

  const retry = await deliver(
    `delivery 1: ${records.length} messages, 3 each of ${LOGSTORES.join(', ')}; search is down`,
    records,
  );
  searchDown = false;
  const left = await deliver(
    `delivery 2: the ${retry.length} messages handed back (same environment); search is up again`,
    records.filter((record) => retry.includes(record.messageId)),
  );
  await stopLocalFlushers();
  return (await summarise(directory)) && left.length === 0;
}

/** Count the logs each flusher wrote per logstore, and check them against what its match takes. */
async function summarise(directory: string): Promise<boolean> {
  const expected: Record<string, readonly string[]> = {
    archive: LOGSTORES,
    search: ['checkout', 'auth'],
  };
  const perStore = (3 * LOGS_PER_MESSAGE).toString();
  console.log('\non disk (JSON Lines)                  files   logs');
  let exact = true;
  for (const [flusher, logstores] of Object.entries(expected)) {
    const root = join(directory, flusher, 'demo-shop');
    const found = await readdir(root).catch(() => [] as string[]);
    for (const logstore of [...new Set([...found, ...logstores])].sort()) {
      const files = await readdir(join(root, logstore)).catch(() => [] as string[]);
      let logs = 0;
      for (const file of files) {
        logs += (await readFile(join(root, logstore, file), 'utf8')).split('\n').filter(Boolean).length;
      }
      const want = logstores.includes(logstore) ? perStore : '0';
      if (String(logs) !== want) exact = false;
      console.log(
        `  ${`${flusher}/demo-shop/${logstore}`.padEnd(34)} ${String(files.length).padStart(6)} ${String(logs).padStart(6)}`,
      );
    }
  }
  console.log(
    exact
      ? '\neach flusher holds exactly the logs its match takes, once: the retry wrote only to search'
      : '\nMISMATCH: a flusher is missing logs or holds some twice',
  );
  return exact;
}
