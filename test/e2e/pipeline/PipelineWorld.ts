import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { handlerOptionsFromEnv } from '../../../src/config/handlerOptionsFromEnv.ts';
import type { HandlerOptions } from '../../../src/runtime/HandlerOptions.ts';
import { createKinesisHandler, createSqsHandler } from '../../../src/runtime/handlers.ts';
import { shutdownFlushers } from '../../../src/runtime/shutdownHook.ts';
import { CloudWatchLogsEndpoint } from '../../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import type { Fault } from '../../fixtures/s3/S3TestProxy.ts';
import { S3TestEnvironment, TEST_BUCKET } from '../../fixtures/s3/s3TestEnvironment.ts';
import { S3RVER_CREDENTIALS } from '../../fixtures/s3/startS3rver.ts';
import { kinesisEvent, lambdaContext, sqsEvent } from '../../helpers/events.ts';
import type { RecordSpec } from './batches.ts';
import { type CloudWatchFault, CloudWatchFaultProxy } from './CloudWatchFaultProxy.ts';

/** The destination that suffers the faults; the other one stays healthy. */
export type Faulty = 's3' | 'cloudwatch';

/** Faults of one invocation: every write of the logstores to the faulty destination gets its kind. */
export interface PipelineFaultStep {
  readonly logstores: readonly string[];
  readonly s3: Fault;
  readonly cloudwatch: CloudWatchFault;
  /** With S3 faulty: quarantine writes (into the archive) fail too. */
  readonly quarantine?: true;
}

/** The logstores `search` (CloudWatch Logs) takes; `archive` (S3) takes everything. */
export const SEARCHED_LOGSTORES = ['web', 'api', 'jobs'] as const;

/** `logstore/uid` → copies stored. */
export type Copies = Map<string, number>;

const LOG_STREAM = 'web';

/**
 * s3rver (behind its fault proxy) and the CloudWatch Logs endpoint (behind a content-aware fault
 * proxy), with the process environment pointing the real SDK clients at them, as Lambda's would.
 */
export class PipelineWorld {
  readonly #saved = { ...process.env };

  private constructor(
    readonly s3: S3TestEnvironment,
    readonly cloudwatch: CloudWatchLogsEndpoint,
    readonly cloudwatchProxy: CloudWatchFaultProxy,
    readonly directory: string,
  ) {}

  static async start(): Promise<PipelineWorld> {
    const s3 = await S3TestEnvironment.start();
    const cloudwatch = await CloudWatchLogsEndpoint.start();
    const proxy = await CloudWatchFaultProxy.start(cloudwatch.url);
    const directory = await mkdtemp(join(tmpdir(), 'pipeline-e2e-'));
    const world = new PipelineWorld(s3, cloudwatch, proxy, directory);
    // The CloudWatch Logs client reads its endpoint and region from the process environment only.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.proxy.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: proxy.url,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    delete process.env.FLUSHER;
    return world;
  }

  /** A fresh pipeline deployment (its own project and key prefix): one warm execution environment. */
  async deploy(project: string, faulty: Faulty): Promise<PipelineDeployment> {
    const prefix = this.s3.prefix();
    const file = join(this.directory, `${project}.yaml`);
    await writeFile(file, pipelineYaml(prefix));
    const options = handlerOptionsFromEnv({
      ...process.env,
      PIPELINE_CONFIG: file,
      PROJECT: project,
      SHUTDOWN_HOOK: 'off',
    });
    return new PipelineDeployment(this, project, prefix, faulty, options);
  }

  async close(): Promise<void> {
    process.env = this.#saved;
    await this.cloudwatchProxy.close();
    await this.cloudwatch.close();
    await this.s3.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}

function pipelineYaml(prefix: string): string {
  // Two attempts per request (retries exercised, invocations stay short); no circuit breaker, so
  // every invocation of a test meets exactly the faults it schedules.
  return `# Every log archived in S3 and searchable in CloudWatch Logs.
flushers:
  - Type: flusher_s3
    Name: archive
    Bucket: ${TEST_BUCKET}
    KeyPrefix: ${prefix}
    ForcePathStyle: true
    Checksum: when_required
    MaxAttempts: 2
    BreakerFailureThreshold: 0
  - Type: flusher_cloudwatch_logs
    Name: search
    LogGroup: /e2e/{project}/{logstore}
    LogStream: ${LOG_STREAM}
    MaxAttempts: 2
    Match:
      Logstore: [${SEARCHED_LOGSTORES.join(', ')}]
quarantine: archive
`;
}

/** One deployment: its handlers, its faults, and what its destinations hold. */
export class PipelineDeployment {
  readonly #sqs: ReturnType<typeof createSqsHandler>;
  readonly #kinesis: ReturnType<typeof createKinesisHandler>;

  constructor(
    readonly world: PipelineWorld,
    readonly project: string,
    readonly prefix: string,
    readonly faulty: Faulty,
    options: HandlerOptions,
  ) {
    this.#sqs = createSqsHandler(options);
    this.#kinesis = createKinesisHandler(options);
  }

  async invokeSqs(records: SQSRecord[]): Promise<string[]> {
    const response = await this.#sqs(sqsEvent(records), lambdaContext());
    return response.batchItemFailures.map((failure) => failure.itemIdentifier);
  }

  async invokeKinesis(records: KinesisStreamRecord[]): Promise<string[]> {
    const response = await this.#kinesis(kinesisEvent(records), lambdaContext());
    return response.batchItemFailures.map((failure) => failure.itemIdentifier);
  }

  /** Fail every write of the step's logstores to the faulty destination; `undefined` clears the faults. */
  applyFaults(step: PipelineFaultStep | undefined): void {
    const { s3, cloudwatchProxy } = this.world;
    s3.proxy.setFaultPolicy(undefined);
    cloudwatchProxy.setFaultPolicy(undefined);
    if (step === undefined) return;
    if (this.faulty === 's3') {
      const prefixes = step.logstores.map((logstore) => this.#dataKeyPrefix(logstore));
      if (step.quarantine) prefixes.push(`${this.prefix}_quarantine/`);
      s3.proxy.setFaultPolicy((request) =>
        request.operation === 'PutObject' && prefixes.some((p) => request.key.startsWith(p))
          ? step.s3
          : undefined,
      );
    } else {
      const groups = step.logstores.map((logstore) => this.logGroup(logstore));
      cloudwatchProxy.setFaultPolicy((operation, body) =>
        operation === 'PutLogEvents' && groups.includes(String(body.logGroupName))
          ? step.cloudwatch
          : undefined,
      );
    }
  }

  /** Whether the record cannot be made durable while `step` is applied: it has a part the faulty destination refuses. */
  fails(step: PipelineFaultStep | undefined, spec: RecordSpec): boolean {
    if (step === undefined) return false;
    if (spec.poison) return this.faulty === 's3' && step.quarantine === true;
    return spec.logstores.some((logstore) => step.logstores.includes(logstore) && this.#takes(logstore));
  }

  #takes(logstore: string): boolean {
    return this.faulty === 's3' || (SEARCHED_LOGSTORES as readonly string[]).includes(logstore);
  }

  logGroup(logstore: string): string {
    return `/e2e/${this.project}/${logstore}`;
  }

  /** Logs stored in S3, by `logstore/uid` (from the gzip JSON Lines objects). */
  async s3Copies(): Promise<Copies> {
    const objects = await this.world.s3.readAll(this.#dataKeyPrefix());
    return countLines(objects.flatMap((o) => o.body.toString('utf8').split('\n').filter(Boolean)));
  }

  /** Logs stored in CloudWatch Logs, by `logstore/uid`. */
  cloudwatchCopies(): Copies {
    const events = SEARCHED_LOGSTORES.flatMap(
      (logstore) => this.world.cloudwatch.service.events(this.logGroup(logstore), LOG_STREAM) ?? [],
    );
    return countLines(events.map((event) => event.message));
  }

  /** Data objects S3 was asked to write (PutObject requests, whatever the answer). */
  s3DataPuts(logstore?: string): number {
    const prefix = this.#dataKeyPrefix(logstore);
    return this.world.s3.proxy.requests.filter((r) => r.operation === 'PutObject' && r.key.startsWith(prefix))
      .length;
  }

  /** Data objects S3 holds. */
  async s3DataObjects(logstore?: string): Promise<number> {
    return (await this.world.s3.keys(this.#dataKeyPrefix(logstore))).length;
  }

  /** Events sent to CloudWatch Logs in PutLogEvents requests, whatever the answer. */
  cloudwatchEventsSent(logstore?: string): number {
    const matches = (group: string | undefined) =>
      logstore === undefined ? group?.startsWith(`/e2e/${this.project}/`) : group === this.logGroup(logstore);
    return this.world.cloudwatchProxy.requests
      .filter((r) => r.operation === 'PutLogEvents' && matches(r.logGroupName))
      .reduce((sum, r) => sum + r.events, 0);
  }

  /** The quarantine entries stored under the archive's `_quarantine/`. */
  async quarantined(): Promise<Array<{ recordId: string; reason: string; source: string }>> {
    const objects = await this.world.s3.readAll(`${this.prefix}_quarantine/`);
    return objects.map((o) => JSON.parse(o.body.toString('utf8')));
  }

  /** Drain and stop the flushers of this environment (no SIGTERM hook in tests). */
  async stop(): Promise<void> {
    this.applyFaults(undefined);
    await shutdownFlushers(5_000);
  }

  #dataKeyPrefix(logstore?: string): string {
    return `${this.prefix}${this.project}/${logstore === undefined ? '' : `${logstore}/`}`;
  }
}

function countLines(lines: readonly string[]): Copies {
  const copies: Copies = new Map();
  for (const line of lines) {
    const log = JSON.parse(line) as { logstore: string; contents: { uid: string } };
    const key = `${log.logstore}/${log.contents.uid}`;
    copies.set(key, (copies.get(key) ?? 0) + 1);
  }
  return copies;
}
