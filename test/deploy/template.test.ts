// `serverless package` (osls, offline, dummy credentials) and the CloudFormation template it writes.
// Packaging takes a few seconds and runs once for the whole file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloudWatchConfigFromEnv,
  cloudWatchQuarantineConfigFromEnv,
} from '../../src/flushers/cloudwatch/config.ts';
import { s3ConfigFromEnv } from '../../src/flushers/s3/config.ts';
import {
  asList,
  functionEnvironment,
  isAllowed,
  PSEUDO,
  policyStatements,
  type Resource,
  resolve,
  resource,
  resourcesOfType,
  type Template,
} from './cloudFormation.ts';
import { packageTemplate, STAGE } from './runServerless.ts';
import { zipEntries } from './zipEntries.ts';

const FUNCTIONS = { sqs: 'SqsLambdaFunction', kinesis: 'KinesisLambdaFunction' } as const;
const LAYER = 'ShutdownExtensionLambdaLayer';
const EXTENSION_FILE = 'extensions/loggroup-flusher-shutdown';

/** What the flushers call (README "Deploy", IAM). */
const FLUSHER_ACTIONS = [
  's3:PutObject', // PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload
  's3:AbortMultipartUpload',
  'logs:CreateLogGroup',
  'logs:PutRetentionPolicy',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
];
/** What Lambda's event source mappings and on-failure destination need, as osls grants them. */
const EVENT_SOURCE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:DescribeStream',
  'kinesis:ListStreams',
  'sqs:SendMessage',
  'sqs:ListQueues',
];
/** The functions' own logging (osls's default role statements). */
const LAMBDA_LOGGING_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:TagResource',
  'logs:PutLogEvents',
];

let dir: string;
let template: Template;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sls-package-'));
  // The destination is one parameter: package with the non-default one to show it flows through.
  template = await packageTemplate(dir, ['flusher=cloudwatch-logs']);
}, 180_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

const functionEnv = (id: string) => functionEnvironment(template, id);

function stringEnv(id: string): Record<string, string> {
  return Object.fromEntries(Object.entries(functionEnv(id)).map(([key, value]) => [key, String(value)]));
}

function mappingOf(functionId: string): Resource {
  const found = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(
    ([, mapping]) =>
      JSON.stringify(mapping.Properties.FunctionName) ===
      JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] }),
  );
  if (found === undefined) throw new Error(`no event source mapping for ${functionId}`);
  return found[1];
}

function sourceOf(mapping: Resource): Resource {
  const arn = mapping.Properties.EventSourceArn as { 'Fn::GetAtt': [string, string] };
  return resource(template, arn['Fn::GetAtt'][0]);
}

/** `{ Bool: { 'aws:SecureTransport': false } }` and nothing else (a string or a boolean). */
function isTlsOnlyCondition(condition: unknown): boolean {
  const bool = (condition as { Bool?: Record<string, unknown> } | undefined)?.Bool;
  return (
    Object.keys(condition ?? {}).length === 1 &&
    Object.keys(bool ?? {}).length === 1 &&
    String(bool?.['aws:SecureTransport']) === 'false'
  );
}

const isEncryptedQueue = (queue: Resource) =>
  queue.Properties.SqsManagedSseEnabled === true || queue.Properties.KmsMasterKeyId !== undefined;

describe('serverless package', () => {
  it('builds both functions for nodejs22.x on arm64, with the extension layer and the flusher parameter', () => {
    for (const [name, id] of Object.entries(FUNCTIONS)) {
      const { Properties } = resource(template, id);
      expect(Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: `functions/${name}.handler`,
        FunctionName: `loggroup-flusher-${STAGE}-${name}`,
        Layers: [{ Ref: LAYER }],
      });
      expect(functionEnv(id)).toMatchObject({ FLUSHER: 'cloudwatch-logs' });
      // Literal values only: `serverless invoke local` never has to ask CloudFormation.
      for (const [variable, value] of Object.entries(functionEnv(id)))
        expect(typeof value, variable).toBe('string');
    }
    expect(resource(template, LAYER)).toMatchObject({
      Type: 'AWS::Lambda::LayerVersion',
      Properties: { CompatibleArchitectures: expect.arrayContaining(['arm64']) },
    });
  });

  it('ships minified ESM bundles with source maps and the AWS SDK inside, and the executable extension', async () => {
    for (const name of Object.keys(FUNCTIONS)) {
      const entries = await zipEntries(join(dir, `${name}.zip`));
      expect([...entries.keys()].sort()).toEqual([`functions/${name}.mjs`, `functions/${name}.mjs.map`]);
      const code = entries.get(`functions/${name}.mjs`)?.content().toString('utf8') ?? '';
      expect(code.startsWith('import { createRequire as __createRequire }')).toBe(true);
      // Everything bundled: the only modules left to import are Node's own.
      const imported = [...code.matchAll(/\b(?:from\s*|import\()"([^"]+)"/g)].map((match) => match[1] ?? '');
      const modules = imported.filter((spec) => /^(@[\w.-]+\/)?[\w.:-]+(\/[\w.-]+)*$/.test(spec));
      expect(modules.length).toBeGreaterThan(0);
      expect(modules.filter((spec) => !spec.startsWith('node:'))).toEqual([]);
      expect(code).toContain('PutLogEventsCommand');
      expect(code.length / code.split('\n').length).toBeGreaterThan(1_000); // minified: long lines
    }
    const extension = (await zipEntries(join(dir, 'shutdownExtension.zip'))).get(EXTENSION_FILE);
    expect(extension?.mode).toBe(0o755);
    expect(extension?.content().toString('utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('maps the SQS queue with partial batch responses, bounded batching and concurrency, and a DLQ redrive', () => {
    const mapping = mappingOf(FUNCTIONS.sqs);
    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: expect.any(Number),
      MaximumBatchingWindowInSeconds: expect.any(Number),
      ScalingConfig: { MaximumConcurrency: expect.any(Number) },
    });
    const queue = sourceOf(mapping);
    const redrive = queue.Properties.RedrivePolicy as {
      deadLetterTargetArn: unknown;
      maxReceiveCount: number;
    };
    expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['IngestDeadLetterQueue', 'Arn'] });
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
    const timeout = Number(resource(template, FUNCTIONS.sqs).Properties.Timeout);
    const window = Number(mapping.Properties.MaximumBatchingWindowInSeconds);
    expect(Number(queue.Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * timeout + window);
    // The DLQ outlives the source queue's retention (a message keeps its first enqueue time).
    const dlq = resource(template, 'IngestDeadLetterQueue');
    expect(Number(dlq.Properties.MessageRetentionPeriod)).toBeGreaterThan(
      Number(queue.Properties.MessageRetentionPeriod),
    );
  });

  it('maps the Kinesis stream with bisect, bounded retries and record age, and an on-failure queue', () => {
    const mapping = mappingOf(FUNCTIONS.kinesis);
    const stream = sourceOf(mapping);
    const { Properties } = mapping;
    expect(Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      StartingPosition: expect.stringMatching(/^(TRIM_HORIZON|LATEST)$/),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['KinesisFailureQueue', 'Arn'] } } },
    });
    // Never -1 (retry forever, keep records until they expire): one bad record must not block a shard.
    expect(Properties.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(Properties.MaximumRetryAttempts).toBeLessThanOrEqual(10_000);
    expect(Properties.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
    // A batch given up on can still be read from the stream, from the failure record's sequence numbers.
    expect(Properties.MaximumRecordAgeInSeconds).toBeLessThan(
      Number(stream.Properties.RetentionPeriodHours) * 3600,
    );
    expect(Properties.ParallelizationFactor).toBeGreaterThanOrEqual(1);
    expect(Properties.ParallelizationFactor).toBeLessThanOrEqual(10);
  });

  it('encrypts the queues and the stream; the stream is on-demand', () => {
    for (const [id, queue] of resourcesOfType(template, 'AWS::SQS::Queue'))
      expect(isEncryptedQueue(queue), id).toBe(true);
    expect(resourcesOfType(template, 'AWS::SQS::Queue')).toHaveLength(3);
    expect(resource(template, 'IngestStream').Properties).toMatchObject({
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: expect.any(String) },
    });
  });

  it('makes the bucket private, encrypted, TLS-only, and cleans quarantine and incomplete uploads', () => {
    const env = stringEnv(FUNCTIONS.sqs);
    const bucket = resource(template, 'LogBucket');
    expect(resolve(template, bucket.Properties.BucketName)).toBe(env.S3_BUCKET);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toMatchObject({
      ServerSideEncryptionConfiguration: [
        {
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: expect.stringMatching(/^(AES256|aws:kms|aws:kms:dsse)$/),
          },
        },
      ],
    });
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        Prefix: `${env.S3_KEY_PREFIX}_quarantine/`,
        ExpirationInDays: expect.any(Number),
      }),
    );
    const bucketArn = `arn:aws:s3:::${env.S3_BUCKET}`;
    const policy = resourcesOfType(template, 'AWS::S3::BucketPolicy').find(
      ([, candidate]) => JSON.stringify(candidate.Properties.Bucket) === JSON.stringify({ Ref: 'LogBucket' }),
    )?.[1];
    const document = policy?.Properties.PolicyDocument as
      | { Statement: Record<string, unknown>[] }
      | undefined;
    const statements = document?.Statement ?? [];
    const tlsOnly = statements.find(
      (statement) => statement.Effect === 'Deny' && isTlsOnlyCondition(statement.Condition),
    );
    expect(tlsOnly).toMatchObject({ Principal: '*', Action: 's3:*' });
    expect(asList(tlsOnly?.Resource).map((value) => resolve(template, value))).toEqual([
      bucketArn,
      `${bucketArn}/*`,
    ]);
  });

  it('gives every log group a retention, and alarms on DLQ depth, iterator age and function errors', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    expect(groups.map(([id]) => id)).toEqual(expect.arrayContaining(['SqsLogGroup', 'KinesisLogGroup']));
    for (const [id, group] of groups)
      expect(group.Properties.RetentionInDays, id).toEqual(expect.any(Number));

    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const watched = alarms.map((alarm) => {
      const [dimension] = alarm.Dimensions as { Name: string; Value: unknown }[];
      expect(asList(alarm.AlarmActions)).not.toHaveLength(0);
      return `${alarm.MetricName} ${dimension?.Name}=${resolve(template, dimension?.Value)}`;
    });
    const dlqName = resolve(template, resource(template, 'IngestDeadLetterQueue').Properties.QueueName);
    expect(watched).toEqual(
      expect.arrayContaining([
        `ApproximateNumberOfMessagesVisible QueueName=${dlqName}`,
        `IteratorAge FunctionName=loggroup-flusher-${STAGE}-kinesis`,
        `Errors FunctionName=loggroup-flusher-${STAGE}-sqs`,
        `Errors FunctionName=loggroup-flusher-${STAGE}-kinesis`,
      ]),
    );
  });

  it('has no IAM wildcard action or resource in any policy document', () => {
    const statements = policyStatements(template);
    expect(statements.length).toBeGreaterThan(5);
    for (const statement of statements) {
      expect(statement.NotAction, statement.at).toBeUndefined();
      expect(statement.NotResource, statement.at).toBeUndefined();
      if (statement.Effect === 'Deny') {
        // A Deny grants nothing; the only ones are TLS-only guards, which name every action as AWS's does.
        expect(isTlsOnlyCondition(statement.Condition), statement.at).toBe(true);
        continue;
      }
      expect(statement.Principal, statement.at).not.toBe('*');
      for (const action of asList(statement.Action)) expect(action, statement.at).not.toMatch(/[*?]/);
      for (const value of asList(statement.Resource)) {
        const arn = resolve(template, value);
        const [prefix, partition, service, region, account, ...rest] = arn.split(':');
        expect({ prefix, partition, service, region, account }, `${statement.at}: ${arn}`).toEqual({
          prefix: 'arn',
          partition: 'aws',
          service: expect.stringMatching(/^[a-z0-9-]+$/),
          region: expect.stringMatching(/^[a-z0-9-]*$/),
          account: expect.stringMatching(/^\d*$/),
        });
        // A wildcard only after a fixed name (a bucket and key prefix, a log group prefix).
        const path = rest.join(':');
        const literal = path
          .slice(0, path.search(/[*?]/) >>> 0)
          .replace(/^(log-group:|stream\/|function:)/, '');
        expect(literal, `${statement.at}: ${arn}`).toMatch(/[A-Za-z0-9]/);
      }
    }
  });

  it('grants the function role exactly the calls the functions and their event sources make', () => {
    const role = resourcesOfType(template, 'AWS::IAM::Role');
    expect(role).toHaveLength(1);
    const granted = new Set(
      policyStatements(template)
        .filter((statement) =>
          statement.at.startsWith('Resources.IamRoleLambdaExecution.Properties.Policies'),
        )
        .flatMap((statement) => asList(statement.Action)),
    );
    expect([...granted].sort()).toEqual(
      [...new Set([...FLUSHER_ACTIONS, ...EVENT_SOURCE_ACTIONS, ...LAMBDA_LOGGING_ACTIONS])].sort(),
    );
  });

  it("covers every log group and S3 key the deployed configuration can produce, and nothing else's", () => {
    const env = stringEnv(FUNCTIONS.sqs);
    const allowed = (action: string, arn: string) => isAllowed(template, action, arn);
    const logsArn = `arn:aws:logs:${PSEUDO['AWS::Region']}:${PSEUDO['AWS::AccountId']}:log-group:`;
    const cwl = cloudWatchConfigFromEnv(env);
    const quarantine = cloudWatchQuarantineConfigFromEnv(env);
    const hostile = [
      { project: 'shop', logstore: 'nginx', configName: 'c', source: '10.0.0.1', topic: 'access' },
      { project: '../../etc', logstore: 'a/b:c*', configName: '', source: 'host:1*', topic: undefined },
      { project: undefined, logstore: '', configName: undefined, source: undefined, topic: undefined },
      { project: 'x'.repeat(600), logstore: 'aws/', configName: 'c', source: 's'.repeat(600), topic: 't' },
    ];
    const destinations = [
      ...hostile.map((values) => [cwl.logGroup.render(values, 0), cwl.logStream.render(values, 0)] as const),
      [quarantine.logGroupName, quarantine.logStreamName] as const,
    ];
    for (const [group, stream] of destinations) {
      for (const action of ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:CreateLogStream']) {
        expect(allowed(action, `${logsArn}${group}`), `${action} ${group}`).toBe(true);
      }
      expect(allowed('logs:PutLogEvents', `${logsArn}${group}:log-stream:${stream}`), group).toBe(true);
    }
    expect(allowed('logs:CreateLogGroup', `${logsArn}/somebody-elses/group`)).toBe(false);
    expect(allowed('logs:PutLogEvents', `${logsArn}/somebody-elses/group:log-stream:s`)).toBe(false);

    const s3 = s3ConfigFromEnv({ ...env, FLUSHER: 's3' });
    for (const key of [
      `${s3.keyPrefix}shop/nginx/dt=2026-01-01/hour=00/abc.jsonl.gz`,
      `${s3.keyPrefix}_quarantine/abc.json`,
    ]) {
      for (const action of ['s3:PutObject', 's3:AbortMultipartUpload']) {
        expect(allowed(action, `arn:aws:s3:::${s3.bucket}/${key}`), `${action} ${key}`).toBe(true);
      }
    }
    expect(allowed('s3:PutObject', `arn:aws:s3:::${s3.bucket}/outside-the-prefix`)).toBe(false);
  });
});
