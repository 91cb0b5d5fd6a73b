import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localEnv, localHandlers, stopLocalFlushers } from '../../src/cli/localHandlers.ts';
import { webAccessLogGroups } from '../../src/cli/sampleLogs.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { CloudWatchLogsEndpoint } from '../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { S3TestEnvironment, TEST_BUCKET } from '../fixtures/s3/s3TestEnvironment.ts';
import { lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';

// s3rver accepts only its own key pair; the CloudWatch test endpoint accepts any.
const AWS_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/** Build the handlers exactly as functions/* do, from environment variables only. */
function handlersFromEnv(vars: Record<string, string>) {
  Object.assign(process.env, AWS_ENV, vars);
  return localHandlers(localEnv({ ...process.env, ...vars }));
}

describe('destinations chosen by environment variables, as functions/* build them', () => {
  const saved = { ...process.env };
  let cwl: CloudWatchLogsEndpoint;
  let s3: S3TestEnvironment;
  beforeAll(async () => {
    cwl = await CloudWatchLogsEndpoint.start();
    s3 = await S3TestEnvironment.start();
  });
  afterAll(async () => {
    process.env = saved;
    await cwl.close();
    await s3.close();
  });

  it('FLUSHER=s3 writes partitioned gzip JSONL objects, idempotently, and quarantines under _quarantine/', async () => {
    const vars = {
      FLUSHER: 's3',
      S3_BUCKET: TEST_BUCKET,
      S3_KEY_PREFIX: 'env/',
      S3_FORCE_PATH_STYLE: 'true',
      S3_CHECKSUM: 'when_required',
      AWS_ENDPOINT_URL_S3: s3.proxy.endpoint,
      PROJECT: 'shop',
    };
    const groups = webAccessLogGroups({ groups: 4, logsPerGroup: 25, logstores: ['nginx', 'auth'] });
    const messages = groups.map((g) => sqsMessage(Buffer.from(encodeLogGroupList([g])).toString('base64')));
    const poison = sqsMessage('this is not a LogGroup');
    const event = sqsEvent([...messages, poison]);
    const first = await handlersFromEnv(vars).sqs(event, lambdaContext());
    const keysAfterFirst = await s3.keys('env/');
    // The same batch again (a redelivery after a lost response) must not add a single object.
    const second = await handlersFromEnv(vars).sqs(event, lambdaContext());
    await stopLocalFlushers();

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(await s3.keys('env/')).toEqual(keysAfterFirst);
    const objects = await s3.readAll('env/shop/');
    expect(
      objects.every((o) =>
        /^env\/shop\/(nginx|auth)\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\w+\.jsonl\.gz$/.test(o.key),
      ),
    ).toBe(true);
    const lines = objects.flatMap((o) => o.body.toString('utf8').split('\n').filter(Boolean));
    expect(lines).toHaveLength(100);
    const quarantined = await s3.readAll('env/_quarantine/');
    expect(quarantined).toHaveLength(1);
    expect(JSON.parse(quarantined[0]!.body.toString('utf8'))).toMatchObject({
      reason: 'unsupported-format',
      recordId: poison.messageId,
    });
  });

  it('FLUSHER=cloudwatch-logs delivers every log and quarantines poison into the quarantine log group', async () => {
    const handlers = handlersFromEnv({
      FLUSHER: 'cloudwatch-logs',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cwl.url,
      PROJECT: 'shop',
      CWL_LOG_STREAM: 'web',
    });
    const now = Math.floor(Date.now() / 1000);
    const groups = webAccessLogGroups({
      groups: 4,
      logsPerGroup: 25,
      logstores: ['nginx', 'auth'],
      startTime: now - 60,
    });
    const messages = groups.map((g) => sqsMessage(Buffer.from(encodeLogGroupList([g])).toString('base64')));
    const poison = sqsMessage('this is not a LogGroup');
    const response = await handlers.sqs(sqsEvent([...messages, poison]), lambdaContext());
    await stopLocalFlushers();

    expect(response.batchItemFailures).toEqual([]);
    const stored = ['nginx', 'auth'].flatMap(
      (logstore) => cwl.service.events(`/loggroup-flusher/shop/${logstore}`, 'web') ?? [],
    );
    expect(stored).toHaveLength(100);
    expect(JSON.parse(stored[0]!.message)).toMatchObject({
      project: 'shop',
      contents: { method: expect.any(String) },
    });
    const quarantined = cwl.service.events('/loggroup-flusher/quarantine', 'quarantine') ?? [];
    expect(quarantined.map((e) => JSON.parse(e.message))).toEqual([
      expect.objectContaining({ reason: 'unsupported-format', source: 'sqs', recordId: poison.messageId }),
    ]);
  });
});
