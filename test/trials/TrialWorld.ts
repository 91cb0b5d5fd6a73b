// Everything the trials share: the bundled functions and the extension layer laid out as Lambda
// has them, s3rver behind the S3 test proxy, the CloudWatch Logs endpoint, and a latency proxy in
// front of each destination through which the function reaches it.
import { join } from 'node:path';
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsEndpoint } from '../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { buildLambdaTask, type LambdaTask } from '../fixtures/lambda-runtime/buildLambdaTask.ts';
import { deployedFunction } from '../fixtures/lambda-runtime/deployedFunction.ts';
import { type FunctionConfig, LambdaEnvironment } from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import { S3TestEnvironment, TEST_BUCKET } from '../fixtures/s3/s3TestEnvironment.ts';
import { S3RVER_CREDENTIALS } from '../fixtures/s3/startS3rver.ts';
import { LatencyProxy } from './LatencyProxy.ts';
import { STAMP_MODULE, STAMP_SOURCE } from './processStamps.ts';
import { functionFor, type SourceKind } from './trialRecords.ts';

export const Destination = { s3: 's3', cloudWatchLogs: 'cloudwatch-logs' } as const;
export type Destination = (typeof Destination)[keyof typeof Destination];

export class TrialWorld {
  #client: S3Client | undefined;

  private constructor(
    readonly task: LambdaTask,
    readonly s3: S3TestEnvironment,
    readonly s3Network: LatencyProxy,
    readonly cwl: CloudWatchLogsEndpoint,
    readonly cwlNetwork: LatencyProxy,
  ) {}

  static async start(): Promise<TrialWorld> {
    const [task, s3, cwl] = await Promise.all([
      buildLambdaTask(),
      S3TestEnvironment.start(),
      CloudWatchLogsEndpoint.start(),
    ]);
    await task.addModule(STAMP_MODULE, STAMP_SOURCE);
    const [s3Network, cwlNetwork] = await Promise.all([
      LatencyProxy.start(s3.proxy.endpoint),
      LatencyProxy.start(cwl.url),
    ]);
    return new TrialWorld(task, s3, s3Network, cwl, cwlNetwork);
  }

  network(destination: Destination): LatencyProxy {
    return destination === Destination.s3 ? this.s3Network : this.cwlNetwork;
  }

  /** The deployed function's configuration for `destination`, reached through its latency proxy. */
  functionConfig(
    source: SourceKind,
    destination: Destination,
    env: Record<string, string>,
    timeoutMs: number,
  ): FunctionConfig {
    const destinationEnv: Record<string, string> =
      destination === Destination.s3
        ? {
            FLUSHER: 's3',
            S3_BUCKET: TEST_BUCKET,
            AWS_ENDPOINT_URL_S3: this.s3Network.endpoint,
            S3_FORCE_PATH_STYLE: 'true',
            S3_CHECKSUM: 'when_required',
            // s3rver checks SigV4 signatures against its built-in account.
            AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
            AWS_SESSION_TOKEN: '',
          }
        : { FLUSHER: 'cloudwatch-logs', AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.cwlNetwork.endpoint };
    return deployedFunction(
      this.task,
      functionFor(source),
      {
        PROJECT: 'shop',
        LOGSTORE: 'app',
        // The deployed NODE_OPTIONS plus the process stamps.
        NODE_OPTIONS: `--enable-source-maps --require=${join(this.task.taskRoot, STAMP_MODULE)}`,
        ...destinationEnv,
        ...env,
      },
      { timeoutMs },
    );
  }

  /** Start an execution environment (init included); throws with its transcript if init failed. */
  async environment(config: FunctionConfig): Promise<LambdaEnvironment> {
    const environment = await LambdaEnvironment.start(config);
    if (environment.init.kind !== 'ready') {
      await environment.shutdown();
      throw new Error(`init failed: ${JSON.stringify(environment.init)}\n${environment.transcript()}`);
    }
    return environment;
  }

  /** Multipart uploads open under `prefix`, asked with ListMultipartUploads through the S3 test proxy. */
  async openUploads(prefix: string): Promise<Array<{ key: string; uploadId: string }>> {
    const result = await this.#s3Client().send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET }));
    return (result.Uploads ?? [])
      .map((upload) => ({ key: upload.Key!, uploadId: upload.UploadId! }))
      .filter((upload) => upload.key.startsWith(prefix));
  }

  async abortUploads(uploads: ReadonlyArray<{ key: string; uploadId: string }>): Promise<void> {
    for (const { key, uploadId } of uploads) {
      await this.#s3Client().send(
        new AbortMultipartUploadCommand({ Bucket: TEST_BUCKET, Key: key, UploadId: uploadId }),
      );
    }
  }

  #s3Client(): S3Client {
    this.#client ??= this.s3.client();
    return this.#client;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.s3Network.close(), this.cwlNetwork.close()]);
    await Promise.allSettled([this.s3.close(), this.cwl.close(), this.task.remove()]);
  }
}
