import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerOptionsFromEnv } from '../../../src/config/handlerOptionsFromEnv.ts';
import { encodeLogGroupList } from '../../../src/protocol/encodeLogGroup.ts';
import { createKinesisHandler } from '../../../src/runtime/handlers.ts';
import { S3TestEnvironment, TEST_BUCKET } from '../../fixtures/s3/s3TestEnvironment.ts';
import { S3RVER_CREDENTIALS } from '../../fixtures/s3/startS3rver.ts';
import { kinesisEvent, kinesisRecord, lambdaContext } from '../../helpers/events.ts';

// Found by the chaos run: the S3 flusher writes one object per hour of log time and a flush
// resolves only when all are written. A batch spanning more hours than one invocation can write
// used to come back unchanged and re-send every object from the first one (each 412 a full
// request), so it never got further and blocked its shard for good. The flusher now remembers
// which keys S3 confirmed, so each redelivery goes on where the last one stopped.

const PARTITIONS = 400;
const TIMEOUT_MS = 1_000;
const UPLOAD_CONCURRENCY = 4;
/** Bound on redeliveries; the first attempt writes only part of the objects. */
const MAX_ATTEMPTS = 60;

describe('S3: a batch spanning more hour partitions than one invocation can write', () => {
  let s3: S3TestEnvironment;
  const saved = { ...process.env };
  beforeAll(async () => {
    s3 = await S3TestEnvironment.start();
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await s3.close();
  });

  it('completes over a few redeliveries to the same environment, writing each object once', {
    timeout: 90_000,
  }, async () => {
    const handler = createKinesisHandler(
      handlerOptionsFromEnv({
        ...process.env,
        FLUSHER: 's3',
        S3_BUCKET: TEST_BUCKET,
        S3_KEY_PREFIX: 'partitions/',
        S3_FORCE_PATH_STYLE: 'true',
        S3_CHECKSUM: 'when_required',
        AWS_ENDPOINT_URL_S3: s3.proxy.endpoint,
        // A hair-trigger breaker: deadlines reached while S3 keeps confirming objects must not open it.
        S3_BREAKER_FAILURE_THRESHOLD: '2',
        S3_UPLOAD_CONCURRENCY: String(UPLOAD_CONCURRENCY),
        SHUTDOWN_HOOK: 'off',
        PROJECT: 'shop',
        LOGSTORE: 'backfill',
      }),
    );
    const now = Math.floor(Date.now() / 1000);
    const logsPerRecord = PARTITIONS / 100;
    const event = kinesisEvent(
      Array.from({ length: 100 }, (_, r) =>
        kinesisRecord(
          encodeLogGroupList([
            {
              logTags: [],
              logs: Array.from({ length: logsPerRecord }, (_, i) => ({
                time: now - (r * logsPerRecord + i) * 3_600, // one hour apart: one object each
                contents: [{ key: 'n', value: `${r}-${i}` }],
              })),
            },
          ]),
        ),
      ),
    );
    const first = event.Records[0]!.kinesis.sequenceNumber;
    const attempts: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const response = await handler(event, lambdaContext(TIMEOUT_MS));
      attempts.push((await s3.keys('partitions/')).length);
      if (response.batchItemFailures.length === 0) break;
      // Kinesis: one object per hour mixes many records, so nothing is acked until all are written.
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: first }]);
    }
    // The batch did not fit one invocation (else this test proves nothing), and completed.
    expect(attempts.length, `objects after each attempt: ${attempts.join(', ')}`).toBeGreaterThan(1);
    expect(attempts.at(-1)).toBe(PARTITIONS);
    // No attempt undid another's work, and each object was created once. The only
    // repeats are writes in flight at a deadline (S3 kept them; the client never heard): one 412 each.
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!).toBeGreaterThanOrEqual(attempts[i - 1]!);
    const puts = s3.proxy.requests.filter((r) => r.operation === 'PutObject');
    expect(puts.filter((r) => r.status === 200)).toHaveLength(PARTITIONS);
    expect(puts.filter((r) => r.status === 412).length).toBeLessThanOrEqual(
      (attempts.length - 1) * UPLOAD_CONCURRENCY,
    );
  });
});
