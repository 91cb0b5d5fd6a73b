import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import {
  cloudWatchConfigFromEnv,
  cloudWatchQuarantineConfigFromEnv,
} from '../../../src/flushers/cloudwatch/config.ts';
import { compileNameTemplate, type TemplateValues } from '../../../src/flushers/cloudwatch/nameTemplate.ts';

const configError = (env: Record<string, string>, variable: string) => {
  try {
    cloudWatchConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    return;
  }
  throw new Error(`expected a ConfigError for ${variable}`);
};

const values = (overrides: Partial<TemplateValues> = {}): TemplateValues => ({
  project: 'shop',
  logstore: 'nginx',
  configName: 'cfg',
  source: '10.0.0.1',
  topic: 'access',
  ...overrides,
});

describe('cloudWatchConfigFromEnv', () => {
  it('has documented defaults', () => {
    const config = cloudWatchConfigFromEnv({});
    expect(config.logGroup.template).toBe('/loggroup-flusher/{project}/{logstore}');
    expect(config.logStream.template).toBe('{source}');
    expect(config).toMatchObject({ create: true, concurrency: 4, requestTimeoutMs: 10_000 });
    expect(config.backoff.maxAttempts).toBe(5);
    expect(config.retentionDays).toBeUndefined();
    expect(config.kmsKeyId).toBeUndefined();
    expect(config.messageKey).toBeUndefined();
  });

  it('reads every setting', () => {
    const config = cloudWatchConfigFromEnv({
      CWL_LOG_GROUP: '/app/{configName}',
      CWL_LOG_STREAM: '{topic}-{date}',
      CWL_CREATE: 'no',
      CWL_RETENTION_DAYS: '1096',
      CWL_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      CWL_MESSAGE_KEY: 'content',
      CWL_CONCURRENCY: '8',
      CWL_MAX_ATTEMPTS: '3',
      CWL_REQUEST_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({
      create: false,
      retentionDays: 1096,
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      messageKey: 'content',
      concurrency: 8,
      requestTimeoutMs: 2500,
    });
    expect(config.backoff.maxAttempts).toBe(3);
    expect(config.logStream.usesDate).toBe(true);
  });

  it('refuses bad values, naming the variable', () => {
    configError({ CWL_RETENTION_DAYS: '10' }, 'CWL_RETENTION_DAYS');
    configError({ CWL_RETENTION_DAYS: '30d' }, 'CWL_RETENTION_DAYS');
    configError({ CWL_CREATE: 'maybe' }, 'CWL_CREATE');
    configError({ CWL_CONCURRENCY: '0' }, 'CWL_CONCURRENCY');
    configError({ CWL_CONCURRENCY: '2.5' }, 'CWL_CONCURRENCY');
    configError({ CWL_MAX_ATTEMPTS: '100' }, 'CWL_MAX_ATTEMPTS');
    configError({ CWL_KMS_KEY_ID: 'k'.repeat(257) }, 'CWL_KMS_KEY_ID');
    // CreateLogGroup takes a key ARN only: an alias or a bare key id is refused up front.
    configError({ CWL_KMS_KEY_ID: 'alias/logs' }, 'CWL_KMS_KEY_ID');
    configError({ CWL_KMS_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab' }, 'CWL_KMS_KEY_ID');
    configError({ CWL_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:alias/logs' }, 'CWL_KMS_KEY_ID');
    // Key ARNs of every partition, multi-Region keys included, are taken.
    for (const key of [
      'arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab',
    ]) {
      expect(cloudWatchConfigFromEnv({ CWL_KMS_KEY_ID: key }).kmsKeyId).toBe(key);
    }
    configError({ CWL_LOG_GROUP: '/app/{unknown}' }, 'CWL_LOG_GROUP');
    configError({ CWL_LOG_GROUP: '/my app/{project}' }, 'CWL_LOG_GROUP');
    configError({ CWL_LOG_GROUP: 'aws/{project}' }, 'CWL_LOG_GROUP');
    configError({ CWL_LOG_GROUP: '/app/{project' }, 'CWL_LOG_GROUP');
    configError({ CWL_LOG_STREAM: 'a:{source}' }, 'CWL_LOG_STREAM');
  });

  it('reads the quarantine destination with fixed names', () => {
    expect(cloudWatchQuarantineConfigFromEnv({})).toMatchObject({
      logGroupName: '/loggroup-flusher/quarantine',
      logStreamName: 'quarantine',
      create: true,
    });
    const config = cloudWatchQuarantineConfigFromEnv({
      CWL_QUARANTINE_LOG_GROUP: '/q',
      CWL_QUARANTINE_LOG_STREAM: 'poison',
      CWL_QUARANTINE_RETENTION_DAYS: '365',
      CWL_CREATE: 'false',
    });
    expect(config).toMatchObject({
      logGroupName: '/q',
      logStreamName: 'poison',
      retentionDays: 365,
      create: false,
    });
    expect(() => cloudWatchQuarantineConfigFromEnv({ CWL_QUARANTINE_LOG_GROUP: '/q/{project}' })).toThrow(
      ConfigError,
    );
  });
});

describe('name templates', () => {
  const group = compileNameTemplate('/loggroup-flusher/{project}/{logstore}', 'group', 'CWL_LOG_GROUP');
  const stream = compileNameTemplate('{topic}/{source}', 'stream', 'CWL_LOG_STREAM');

  it('renders clean values unchanged', () => {
    expect(group.render(values(), 0)).toBe('/loggroup-flusher/shop/nginx');
    expect(stream.render(values(), 0)).toBe('access/10.0.0.1');
  });

  it('renders absent or empty values as "unknown"', () => {
    expect(stream.render(values({ topic: undefined, source: '' }), 0)).toBe('unknown/unknown');
  });

  it('renders {date} as the event UTC day', () => {
    const daily = compileNameTemplate('{logstore}/{date}', 'stream', 'CWL_LOG_STREAM');
    expect(daily.render(values(), Date.UTC(2024, 1, 29, 23, 59))).toBe('nginx/2024-02-29');
  });

  it('keeps a value on one path level and away from the reserved aws/ prefix', () => {
    expect(group.render(values({ project: '../etc' }), 0)).toMatch(
      /^\/loggroup-flusher\/.._etc-[0-9a-f]{8}\/nginx$/,
    );
    const bare = compileNameTemplate('{project}/{logstore}', 'group', 'CWL_LOG_GROUP');
    expect(bare.render(values({ project: 'aws' }), 0)).toBe('_aws/nginx');
  });

  const anyValue = fc.option(fc.string({ unit: 'grapheme', maxLength: 300 }), { nil: undefined });
  const anyValues = fc.record({
    project: anyValue,
    logstore: anyValue,
    configName: anyValue,
    source: anyValue,
    topic: anyValue,
  });
  const everything = '{project}{logstore}{configName}{source}{topic}';

  it('always yields names AWS accepts', () => {
    const g = compileNameTemplate(everything, 'group', 'CWL_LOG_GROUP');
    const s = compileNameTemplate(everything, 'stream', 'CWL_LOG_STREAM');
    fc.assert(
      fc.property(anyValues, (v) => {
        const groupName = g.render(v, 0);
        expect(groupName).toMatch(/^[.\-_/#A-Za-z0-9]{1,512}$/);
        expect(groupName.startsWith('aws/')).toBe(false);
        const streamName = s.render(v, 0);
        expect(streamName).not.toMatch(/[:*]/);
        expect(streamName.length).toBeGreaterThan(0);
        expect(Buffer.byteLength(streamName)).toBeLessThanOrEqual(512);
      }),
    );
  });

  it('keeps distinct values distinct', () => {
    const g = compileNameTemplate('/x/{project}', 'group', 'CWL_LOG_GROUP');
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
        fc.pre(a !== b && a !== '' && b !== '' && a !== 'unknown' && b !== 'unknown');
        expect(g.render(values({ project: a }), 0)).not.toBe(g.render(values({ project: b }), 0));
      }),
    );
  });
});
