// infra/deployPipeline.ts: the rendering and checks `serverless package` applies to a pipeline file.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: pipeline files hold literal ${param:NAME} placeholders
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkEnvironmentForDeploy,
  checkPipelineForDeploy,
  type DeployGrants,
  renderPipelineFile,
} from '../../infra/deployPipeline.ts';
import { pipelineFromConfig } from '../../src/config/pipelineFromConfig.ts';
import { REPO_ROOT } from './runServerless.ts';

const PARAMS = {
  bucketName: 'loggroup-flusher-ci-eu-west-1',
  keyPrefix: 'logs/',
  s3Format: 'jsonl',
  s3Compression: 'gzip',
  logGroupPrefix: '/loggroup-flusher/ci',
  cwlRetentionDays: 30,
  fileDir: '/tmp/loggroup-flusher',
};
const GRANTS: DeployGrants = {
  bucket: PARAMS.bucketName,
  keyPrefix: PARAMS.keyPrefix,
  region: 'eu-west-1',
  logGroupPrefix: PARAMS.logGroupPrefix,
};

const example = (name: string) => readFileSync(join(REPO_ROOT, 'infra/pipelines', name), 'utf8');

describe('renderPipelineFile', () => {
  it('fills ${param:NAME} in YAML values and keeps the comments', () => {
    const rendered = renderPipelineFile(
      '# archive\nflushers:\n  - Type: s3 # the bucket\n    Bucket: ${param:bucketName}\n    KeyPrefix: ${param:keyPrefix}x/\n',
      'p.yaml',
      PARAMS,
    );
    expect(rendered).toBe(
      '# archive\nflushers:\n  - Type: s3 # the bucket\n    Bucket: loggroup-flusher-ci-eu-west-1\n    KeyPrefix: logs/x/\n',
    );
  });

  it('fills JSON files too, and numbers as text', () => {
    const rendered = renderPipelineFile(
      '{"flushers":[{"Type":"cloudwatch-logs","RetentionDays":"${param:cwlRetentionDays}"}]}',
      'p.json',
      PARAMS,
    );
    expect(JSON.parse(rendered)).toEqual({ flushers: [{ Type: 'cloudwatch-logs', RetentionDays: '30' }] });
  });

  it('refuses an unknown parameter and any other ${…} form, naming the file', () => {
    expect(() => renderPipelineFile('flushers:\n  - Bucket: ${param:nope}\n', 'p.yaml', PARAMS)).toThrow(
      'p.yaml: ${param:nope}: no parameter "nope"',
    );
    expect(() => renderPipelineFile('flushers:\n  - Bucket: ${sls:stage}\n', 'p.yaml', PARAMS)).toThrow(
      'p.yaml: ${sls:stage}: only ${param:NAME} placeholders',
    );
    expect(() => renderPipelineFile('flushers: [', 'p.yaml', PARAMS)).toThrow('p.yaml: invalid YAML');
  });

  it('turns the repository examples into pipelines the function accepts', () => {
    for (const name of ['archive-and-search.yaml', 'local-files.yaml']) {
      const rendered = renderPipelineFile(example(name), name, PARAMS);
      const values = rendered.split('\n').filter((line) => !line.trimStart().startsWith('#'));
      expect(values.join('\n')).not.toContain('${');
      expect(pipelineFromConfig(rendered, name, {}).flushers.length).toBe(2);
    }
  });
});

describe('checkPipelineForDeploy', () => {
  const check = (text: string) => checkPipelineForDeploy(text, 'p.yaml', GRANTS);

  it('accepts the example: S3 in the stack bucket under keyPrefix, CloudWatch Logs under logGroupPrefix', () => {
    const rendered = renderPipelineFile(example('archive-and-search.yaml'), 'a.yaml', PARAMS);
    expect(checkPipelineForDeploy(rendered, 'a.yaml', GRANTS)).toEqual({
      flushers: ['archive (flusher_s3)', 'search (flusher_cloudwatch_logs)'],
      problems: [],
      // What the object options' grants are derived from (infra/s3OptionGrants.ts).
      s3Configs: [expect.objectContaining({ bucket: PARAMS.bucketName, keyPrefix: PARAMS.keyPrefix })],
    });
  });

  it('names every option that would write outside the IAM grants', () => {
    const { problems } = check(
      [
        'flushers:',
        '  - Type: s3',
        '    Bucket: somebody-elses',
        '    KeyPrefix: other/',
        '    Region: us-east-1',
        '  - Type: cloudwatch-logs',
        '    Name: search',
        '    LogGroup: /loggroup-flusher/cix/{project}',
        'quarantine: search',
      ].join('\n'),
    );
    expect(problems).toEqual([
      expect.stringContaining('p.yaml: flushers[0] (s3).Bucket: "somebody-elses" is not the stack\'s bucket'),
      expect.stringContaining(
        'flushers[0] (s3).KeyPrefix: "other/" does not start with the granted prefix "logs/"',
      ),
      expect.stringContaining(
        'flushers[0] (s3).Region: "us-east-1", but the stack\'s bucket is in eu-west-1',
      ),
      expect.stringContaining(
        'flushers[1] (search).LogGroup: "/loggroup-flusher/cix/{project}" is not under',
      ),
      expect.stringContaining('flushers[1] (search).QuarantineLogGroup: "/loggroup-flusher/quarantine"'),
    ]);
  });

  it('leaves alone S3-compatible servers, local flushers, and a CloudWatch quarantine it does not use', () => {
    const { problems } = check(
      [
        'flushers:',
        '  - Type: file',
        '    Directory: /tmp/x',
        '  - Type: s3',
        '    Bucket: minio-bucket',
        '    Endpoint: http://127.0.0.1:9000',
        '  - Type: cloudwatch-logs',
        '    LogGroup: /loggroup-flusher/ci/{project}/{logstore}',
        '  - Type: stdout',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
  });

  it('throws the ConfigError the function would throw at cold start', () => {
    expect(() =>
      check(
        'flushers:\n  - Type: cloudwatch-logs\n    LogGroup: /loggroup-flusher/ci/x\n    RetentionDays: 31\n',
      ),
    ).toThrow(/^PIPELINE_CONFIG: p\.yaml: flushers\[0\] \(cloudwatch-logs\)\.RetentionDays: /);
    expect(() => check('flushers:\n  - Type: flusher_kafka\n')).toThrow('flushers[0].Type');
  });
});

describe('checkEnvironmentForDeploy', () => {
  const environment = {
    FLUSHER: 's3',
    S3_BUCKET: PARAMS.bucketName,
    S3_KEY_PREFIX: PARAMS.keyPrefix,
    S3_FORMAT: 'jsonl',
    S3_COMPRESSION: 'gzip',
    CWL_RETENTION_DAYS: 30,
    FILE_DIR: PARAMS.fileDir,
    SHUTDOWN_TIMEOUT_MS: 2000,
  };
  const single = { pipeline: false };
  const pipeline = { pipeline: true };

  it('returns the S3 configuration of FLUSHER=s3, and none for the other flushers', () => {
    const [s3, ...rest] = checkEnvironmentForDeploy(environment, single);
    expect(s3).toMatchObject({ bucket: PARAMS.bucketName, keyPrefix: PARAMS.keyPrefix });
    expect(rest).toEqual([]);
    for (const flusher of ['cloudwatch-logs', 'stdout', 'file', 'S3']) {
      const configs = checkEnvironmentForDeploy({ ...environment, FLUSHER: flusher }, single);
      expect(configs).toHaveLength(flusher === 'S3' ? 1 : 0);
    }
    // S3 variables a CloudWatch Logs function never reads are not held against it.
    expect(
      checkEnvironmentForDeploy({ ...environment, FLUSHER: 'cloudwatch-logs', S3_FORMAT: 'parquet' }, single),
    ).toEqual([]);
  });

  it.each([
    [{ FLUSHER: 'ftp' }, /^FLUSHER: /],
    [{ FLUSHER: 'cloudwatch-logs', CWL_RETENTION_DAYS: 31 }, /^CWL_RETENTION_DAYS: /],
    [{ FLUSHER: 'file', FILE_DIR: '' }, /^FILE_DIR: /],
    [{ FLUSH_CONCURRENCY: 0 }, /^FLUSH_CONCURRENCY: /],
    [{ S3_FORMAT: 'parquet' }, /^S3_COMPRESSION: /],
    [{ CWL_KMS_KEY_ID: { 'Fn::GetAtt': ['Key', 'Arn'] } }, /^CWL_KMS_KEY_ID: is not a literal value/],
  ])('throws the ConfigError the function would throw at cold start for %j', (patch, message) => {
    expect(() => checkEnvironmentForDeploy({ ...environment, ...patch }, single)).toThrow(message);
  });

  it('checks only the runtime options beside a pipeline file, which holds the flushers', () => {
    const { FLUSHER: _, ...runtime } = environment;
    const withFile = { ...runtime, PIPELINE_CONFIG: '/var/task/infra/pipelines/archive-and-search.yaml' };
    expect(checkEnvironmentForDeploy(withFile, pipeline)).toEqual([]);
    expect(() => checkEnvironmentForDeploy({ ...withFile, SHUTDOWN_TIMEOUT_MS: 'abc' }, pipeline)).toThrow(
      /^SHUTDOWN_TIMEOUT_MS: /,
    );
    expect(() => checkEnvironmentForDeploy({ ...withFile, INPUT_FORMAT: 'xml' }, pipeline)).toThrow(
      /^INPUT_FORMAT: /,
    );
  });
});
