// `serverless package --param pipelineConfig=…` (osls, offline): a pipeline of S3 and CloudWatch
// Logs flushers deployed from infra/pipelines/archive-and-search.yaml.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../src/config/parsePipelineConfig.ts';
import { pipelineFromConfig } from '../../src/config/pipelineFromConfig.ts';
import { cloudWatchConfigFromEnv } from '../../src/flushers/cloudwatch/config.ts';
import { s3ConfigFromEnv } from '../../src/flushers/s3/config.ts';
import {
  functionEnvironment,
  isAllowed,
  PSEUDO,
  policyStatements,
  resource,
  type Template,
} from './cloudFormation.ts';
import { packageArgs, packageTemplate, runServerless, STAGE } from './runServerless.ts';
import { zipEntries } from './zipEntries.ts';

const PIPELINE = 'infra/pipelines/archive-and-search.yaml';
const FUNCTIONS = { sqs: 'SqsLambdaFunction', kinesis: 'KinesisLambdaFunction' } as const;
const BUCKET = `loggroup-flusher-${STAGE}-${PSEUDO['AWS::Region']}`;
const LOG_GROUP_PREFIX = `/loggroup-flusher/${STAGE}`;

let dir: string;
let template: Template;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sls-pipeline-'));
  template = await packageTemplate(dir, [`pipelineConfig=${PIPELINE}`]);
}, 180_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

const functionEnv = (id: string) => functionEnvironment(template, id);

async function packagedPipeline(name: string): Promise<string> {
  const entries = await zipEntries(join(dir, `${name}.zip`));
  expect([...entries.keys()].sort()).toEqual([
    `functions/${name}.mjs`,
    `functions/${name}.mjs.map`,
    PIPELINE,
  ]);
  return entries.get(PIPELINE)!.content().toString('utf8');
}

describe('serverless package with a pipeline', () => {
  it('sets PIPELINE_CONFIG to the file in the bundle and leaves out the single-flusher variables', () => {
    for (const [name, id] of Object.entries(FUNCTIONS)) {
      const env = functionEnv(id);
      expect(env.PIPELINE_CONFIG).toBe(`/var/task/${PIPELINE}`);
      expect(Object.keys(env).filter((variable) => /^(FLUSHER|FILE_DIR|S3_|CWL_)/.test(variable))).toEqual(
        [],
      );
      expect(env).toMatchObject({ INPUT_FORMAT: 'auto', SHUTDOWN_HOOK: 'on' });
      expect(resource(template, id).Properties.Description).toBe(
        `${name === 'sqs' ? 'SQS' : 'Kinesis'} LogGroups through the pipeline ${PIPELINE}`,
      );
    }
  });

  it("packages the file with both functions, rendered with the stage's parameters", async () => {
    for (const name of Object.keys(FUNCTIONS)) {
      const text = await packagedPipeline(name);
      const pipeline = pipelineFromConfig(text, `/var/task/${PIPELINE}`, {});
      expect(pipeline.flushers.map(({ name: flusher, match }) => [flusher, match])).toEqual([
        ['archive', undefined],
        ['search', { logstore: ['nginx-access', 'checkout'] }],
      ]);
      expect(pipeline.quarantine.description()).toBe(
        `s3: s3://${BUCKET}/logs/_quarantine/<source>/<reason>/<id>.json`,
      );
    }
  });

  it("grants both flushers' writes, and only inside the stack's bucket prefix and log groups", async () => {
    const role = policyStatements(template).filter((statement) =>
      statement.at.startsWith('Resources.IamRoleLambdaExecution.Properties.Policies'),
    );
    expect(role.map((statement) => (statement as { Sid?: string }).Sid)).toEqual(
      expect.arrayContaining([
        'S3FlusherWrites',
        'CloudWatchLogsFlusherGroups',
        'CloudWatchLogsFlusherEvents',
      ]),
    );
    const description = parsePipelineConfig(await packagedPipeline('sqs'), PIPELINE);
    const [archive, search] = description.flushers.map((flusher) => flusher.settings);
    const s3 = s3ConfigFromEnv(archive!);
    expect(s3.bucket).toBe(BUCKET);
    for (const key of [
      `${s3.keyPrefix}shop/nginx-access/dt=2026-01-01/hour=00/a.jsonl.gz`,
      `${s3.keyPrefix}_quarantine/a.json`,
    ]) {
      for (const action of ['s3:PutObject', 's3:AbortMultipartUpload'])
        expect(isAllowed(template, action, `arn:aws:s3:::${s3.bucket}/${key}`), `${action} ${key}`).toBe(
          true,
        );
    }
    const cwl = cloudWatchConfigFromEnv(search!);
    const logs = `arn:aws:logs:${PSEUDO['AWS::Region']}:${PSEUDO['AWS::AccountId']}:log-group:`;
    for (const values of [
      { project: 'shop', logstore: 'checkout', configName: 'c', source: '10.0.0.1', topic: 'access' },
      { project: '../../x', logstore: 'a/b:c*', configName: undefined, source: 'h:1*', topic: undefined },
    ]) {
      const group = cwl.logGroup.render(values, 0);
      expect(group.startsWith(`${LOG_GROUP_PREFIX}/`), group).toBe(true);
      for (const action of ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:CreateLogStream'])
        expect(isAllowed(template, action, `${logs}${group}`), `${action} ${group}`).toBe(true);
      const stream = cwl.logStream.render(values, 0);
      expect(isAllowed(template, 'logs:PutLogEvents', `${logs}${group}:log-stream:${stream}`), group).toBe(
        true,
      );
    }
  });

  it('refuses a pipeline whose flushers write outside the IAM grants, naming each option', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sls-pipeline-refused-'));
    try {
      const run = await runServerless(
        packageArgs(out, ['pipelineConfig=test/deploy/fixtures/outside-grants.yaml']),
      );
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.code, output).not.toBe(0);
      expect(output).toContain(
        "pipelineConfig: the pipeline writes outside what the stack's IAM role grants",
      );
      expect(output).toContain('flushers[0] (archive).Bucket: "somebody-elses-bucket"');
      expect(output).toContain('flushers[1] (search).LogGroup: "/somewhere-else/{project}/{logstore}"');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a bad runtime variable beside the pipeline file, naming it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sls-pipeline-runtime-'));
    try {
      const run = await runServerless(
        packageArgs(out, ['pipelineConfig=infra/pipelines/archive-and-search.yaml', 'shutdownTimeoutMs=abc']),
      );
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.code, output).not.toBe(0);
      expect(output).toContain('provider.environment: SHUTDOWN_TIMEOUT_MS: ');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});
