// `serverless package` with the S3 object options set (osls, offline): the role gains exactly the
// KMS and tagging grants they need, scoped to the key and the bucket's key prefix; and bad option
// values stop the packaging, naming the variable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ConfigFromEnv } from '../../src/flushers/s3/config.ts';
import {
  asList,
  isAllowed,
  PSEUDO,
  policyStatements,
  resolve,
  resource,
  type Template,
} from './cloudFormation.ts';
import { packageArgs, packageTemplate, runServerless, STAGE } from './runServerless.ts';

const REGION = PSEUDO['AWS::Region'];
const KEY_ARN = `arn:aws:kms:${REGION}:${PSEUDO['AWS::AccountId']}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER_KEY = `arn:aws:kms:${REGION}:${PSEUDO['AWS::AccountId']}:key/0000abcd-12ab-34cd-56ef-1234567890ab`;

let dir: string;
let template: Template;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sls-s3-options-'));
  template = await packageTemplate(dir, [
    's3StorageClass=STANDARD_IA',
    's3Sse=aws:kms',
    `s3SseKmsKeyId=${KEY_ARN}`,
    's3SseBucketKey=true',
    's3ObjectTags=team=logs&cost-center=4711',
    's3Format=parquet',
    's3Compression=none',
    's3ParquetColumns=status',
    's3KeyTemplate={project}/{logstore}/{contents.status}/dt={dt}/hour={hour}/',
    's3MaxPartitions=10',
  ]);
}, 180_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

function roleStatements() {
  return policyStatements(template).filter((statement) =>
    statement.at.startsWith('Resources.IamRoleLambdaExecution.Properties.Policies'),
  );
}

describe('serverless package with S3 object options', () => {
  it('passes every option to both functions, as the S3 flusher reads them', () => {
    for (const id of ['SqsLambdaFunction', 'KinesisLambdaFunction']) {
      const variables = (
        resource(template, id).Properties.Environment as { Variables: Record<string, string> }
      ).Variables;
      expect(s3ConfigFromEnv(variables)).toMatchObject({
        storageClass: 'STANDARD_IA',
        sse: 'aws:kms',
        sseKmsKeyId: KEY_ARN,
        sseBucketKey: true,
        objectTags: { team: 'logs', 'cost-center': '4711' },
        format: 'parquet',
        parquetColumns: ['status'],
        keyTemplate: '{project}/{logstore}/{contents.status}/dt={dt}/hour={hour}/',
        maxPartitions: 10,
      });
    }
  });

  it('grants KMS use of exactly the configured key, only through S3 in the stack region', () => {
    const kms = roleStatements().filter((statement) =>
      asList(statement.Action).some((a) => a.startsWith('kms:')),
    );
    expect(kms).toHaveLength(1);
    expect(asList(kms[0]!.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(asList(kms[0]!.Resource)).toEqual([KEY_ARN]);
    expect(resolve(template, kms[0]!.Condition?.StringEquals?.['kms:ViaService'])).toBe(
      `s3.${REGION}.amazonaws.com`,
    );
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(isAllowed(template, action, KEY_ARN)).toBe(true);
      expect(isAllowed(template, action, OTHER_KEY)).toBe(false);
    }
  });

  it('grants s3:PutObjectTagging on the key prefix only, and no wildcard action', () => {
    const bucket = `loggroup-flusher-${STAGE}-${REGION}`;
    expect(
      isAllowed(template, 's3:PutObjectTagging', `arn:aws:s3:::${bucket}/logs/shop/nginx/x.jsonl.gz`),
    ).toBe(true);
    expect(isAllowed(template, 's3:PutObjectTagging', `arn:aws:s3:::${bucket}/elsewhere/x`)).toBe(false);
    for (const statement of roleStatements()) {
      for (const action of asList(statement.Action)) expect(action, statement.at).not.toMatch(/[*?]/);
      for (const value of asList(statement.Resource)) expect(resolve(template, value)).not.toBe('*');
    }
  });

  it.each([
    [['s3Sse=aws:kms', 's3SseKmsKeyId=alias/logs'], 'S3_SSE_KMS_KEY_ID'],
    [['s3Format=parquet'], 'S3_COMPRESSION'],
    // The whole single-flusher environment is checked, not only the S3 variables.
    [['flusher=ftp'], 'FLUSHER'],
    [['flusher=cloudwatch-logs', 'cwlRetentionDays=31'], 'CWL_RETENTION_DAYS'],
  ])(
    'refuses %j at package time, naming %s',
    async (params, variable) => {
      const failed = await mkdtemp(join(tmpdir(), 'sls-s3-options-bad-'));
      try {
        const run = await runServerless(packageArgs(failed, params));
        expect(run.code).not.toBe(0);
        expect(`${run.stdout}\n${run.stderr}`).toContain(variable);
      } finally {
        await rm(failed, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
