import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdaTask, type LambdaTask } from '../fixtures/lambda-runtime/buildLambdaTask.ts';
import { deployedFunction } from '../fixtures/lambda-runtime/deployedFunction.ts';
import { LambdaEnvironment } from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import { runtimeClientFromEnv } from '../fixtures/lambda-runtime/runtimeClients.ts';

describe(`init with a bad configuration (runtime client: ${runtimeClientFromEnv('').name})`, () => {
  let task: LambdaTask;
  beforeAll(async () => {
    task = await buildLambdaTask();
  });
  afterAll(() => task?.remove());

  it.each([
    ['FLUSHER unset', {}, 'FLUSHER: is required (one of s3, cloudwatch-logs, stdout, file)'],
    [
      'an unknown FLUSHER',
      { FLUSHER: 'kafka' },
      'FLUSHER: must be one of s3, cloudwatch-logs, stdout, file; got "kafka"',
    ],
    ['FLUSHER=file without FILE_DIR', { FLUSHER: 'file' }, 'FILE_DIR: is required when FLUSHER=file'],
    ['FLUSHER=s3 without S3_BUCKET', { FLUSHER: 's3' }, 'S3_BUCKET: the S3 flusher needs a bucket name'],
    [
      'a bad retention',
      { FLUSHER: 'cloudwatch-logs', CWL_RETENTION_DAYS: '8' },
      'CWL_RETENTION_DAYS: "8" is not',
    ],
  ])('%s is reported through /init/error naming the variable', async (_case, env, message) => {
    const environment = await LambdaEnvironment.start(deployedFunction(task, 'sqs', env));
    const report = await environment.shutdown();

    expect(environment.init, environment.transcript()).toMatchObject({
      kind: 'error',
      errorType: 'ConfigError',
    });
    expect(environment.init.kind === 'error' && environment.init.errorMessage).toContain(message);
    expect(environment.api.requests).toContain('POST /2018-06-01/runtime/init/error');
    // The environment is torn down: the extension hears SHUTDOWN (failure) and exits cleanly.
    expect(report.reason).toBe('failure');
    expect(report.extensions).toEqual([
      expect.objectContaining({ killed: false, exit: expect.objectContaining({ code: 0 }) }),
    ]);
    await expect(environment.invoke({ Records: [] })).rejects.toThrow(/not ready/);
  });
});
