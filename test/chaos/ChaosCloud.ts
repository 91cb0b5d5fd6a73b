import { CloudWatchLogsEndpoint } from '../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { type KinesisServer, startKinesisServer } from '../fixtures/kinesis/kinesisServer.ts';
import { S3TestEnvironment } from '../fixtures/s3/s3TestEnvironment.ts';

/** The loopback services a chaos run needs: S3 (s3rver behind the fault proxy), CloudWatch Logs, Kinesis (kinesalite). */
export class ChaosCloud {
  private constructor(
    readonly s3: S3TestEnvironment | undefined,
    readonly cloudWatch: CloudWatchLogsEndpoint | undefined,
    readonly kinesis: KinesisServer | undefined,
  ) {}

  static async start(needs: { s3: boolean; cloudWatch: boolean; kinesis: boolean }): Promise<ChaosCloud> {
    const [s3, cloudWatch, kinesis] = await Promise.all([
      needs.s3 ? S3TestEnvironment.start() : undefined,
      needs.cloudWatch ? CloudWatchLogsEndpoint.start() : undefined,
      needs.kinesis ? startKinesisServer() : undefined,
    ]);
    return new ChaosCloud(s3, cloudWatch, kinesis);
  }

  /** Stop injecting faults (before reading back what the destinations hold). */
  calm(): void {
    this.s3?.proxy.setFaultPolicy(undefined);
    this.cloudWatch?.setFaultPolicy(undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.s3?.close(), this.cloudWatch?.close(), this.kinesis?.close()]);
  }
}
