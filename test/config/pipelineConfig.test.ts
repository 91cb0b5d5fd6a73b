import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLUSHER_KINDS } from '../../src/config/destinationFromEnv.ts';
import { FLUSHER_OPTIONS, FLUSHER_TYPE_NAMES } from '../../src/config/flusherTypes.ts';
import { handlerOptionsFromEnv } from '../../src/config/handlerOptionsFromEnv.ts';
import { parsePipelineConfig } from '../../src/config/parsePipelineConfig.ts';
import { type Pipeline, pipelineFromConfig, pipelineFromFile } from '../../src/config/pipelineFromConfig.ts';
import { ConfigError } from '../../src/errors.ts';
import type { Flusher } from '../../src/flusher/Flusher.ts';
import { S3_ENV } from '../../src/flushers/s3/config.ts';
import type { FileQuarantineSink } from '../../src/quarantine/FileQuarantineSink.ts';
import type { FlusherSource } from '../../src/runtime/FlusherHolder.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/pipelines');
const fixture = (name: string) => join(FIXTURES, name);
const FILE = '/etc/p.yaml';

function made(source: FlusherSource): Flusher {
  expect(typeof source).toBe('function');
  return (source as () => Flusher)();
}

function failure(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('PIPELINE_CONFIG');
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const fromYaml = (text: string, vars: Record<string, string> = {}): Pipeline =>
  pipelineFromConfig(text, FILE, vars);
const yamlFailure = (text: string, vars: Record<string, string> = {}) => failure(() => fromYaml(text, vars));
const names = (pipeline: Pipeline) => pipeline.flushers.map((flusher) => flusher.name);

describe('pipeline files that are valid', () => {
  it('builds the two-flusher YAML: names, matches, factories and the named quarantine', () => {
    const pipeline = pipelineFromFile(fixture('two-flushers.yaml'), {});
    expect(names(pipeline)).toEqual(['archive', 'search']);
    expect(pipeline.flushers[0]!.match).toBeUndefined();
    expect(pipeline.flushers[1]!.match).toEqual({ logstore: ['nginx', 'app'], tags: { env: 'prod' } });
    expect(made(pipeline.flushers[0]!.flusher).description()).toMatch(
      /^s3: s3:\/\/my-logs\/logs\/<project>.*\.jsonl$/,
    );
    expect(made(pipeline.flushers[1]!.flusher).description()).toContain(
      'PutLogEvents to /app/{project}/{logstore}',
    );
    expect(pipeline.quarantine.description()).toContain('s3://my-logs/logs/_quarantine/');
  });

  it('builds the JSON file with LoongCollector routes: tag → tags, event_type log → everything', () => {
    const pipeline = pipelineFromFile(fixture('local.json'), {});
    expect(names(pipeline)).toEqual(['flusher_stdout', 'local-files']);
    expect(pipeline.flushers[0]!.match).toEqual({ tags: { env: 'dev' } });
    expect(pipeline.flushers[1]!.match).toBeUndefined();
    expect(made(pipeline.flushers[0]!.flusher).description()).toMatch(/^stdout:/);
    expect(made(pipeline.flushers[1]!.flusher).description()).toBe(
      'file: JSON Lines under /tmp/pipeline-files',
    );
    expect((pipeline.quarantine as FileQuarantineSink).directory).toBe('/tmp/pipeline-files/_quarantine');
    expect((pipeline.fileQuarantine('/q') as FileQuarantineSink).directory).toBe('/q');
  });

  it('quarantines to the first flusher when the file names none', () => {
    const pipeline = fromYaml('flushers:\n  - Type: stdout\n  - Type: file\n    Directory: /tmp/d\n');
    expect(pipeline.quarantine.description()).toBe('stderr (local runs only)');
  });

  it('defaults a Name to the Type, numbered by position when the Type repeats', () => {
    const pipeline = fromYaml(
      'flushers:\n  - Type: stdout\n  - Type: file\n    Directory: /tmp/d\n  - Type: stdout\n  - Type: flusher_stdout\n',
    );
    expect(names(pipeline)).toEqual(['stdout#1', 'file', 'stdout#3', 'flusher_stdout']);
  });

  it('reads YAML numbers and booleans as the text of the variable they stand for', () => {
    const description = parsePipelineConfig(readFileSync(fixture('two-flushers.yaml'), 'utf8'), FILE);
    expect(description.flushers[0]!.settings).toEqual({
      S3_BUCKET: 'my-logs',
      S3_KEY_PREFIX: 'logs/',
      S3_COMPRESSION: 'none',
      S3_UPLOAD_CONCURRENCY: '8',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(description.flushers[1]!.settings).toMatchObject({
      CWL_RETENTION_DAYS: '30',
      CWL_CREATE: 'false',
    });
    const pipeline = fromYaml('flushers:\n  - Type: s3\n    Bucket: 2024\n    KeyPrefix: 7\n');
    expect(made(pipeline.flushers[0]!.flusher).description()).toContain('s3://2024/7<project>');
  });

  it('accepts and ignores the flusher_stdout options of iLogtail that have no meaning here', () => {
    const pipeline = fromYaml('flushers:\n  - Type: flusher_stdout\n    OnlyStdout: true\n    Tags: true\n');
    expect(names(pipeline)).toEqual(['flusher_stdout']);
  });
});

describe('the process environment', () => {
  it('passes AWS_* variables through to a pipeline flusher', () => {
    const error = yamlFailure('flushers:\n  - Type: s3\n    Bucket: b\n', {
      AWS_ENDPOINT_URL_S3: 'ftp://nope',
    });
    expect(error.message).toBe(
      'PIPELINE_CONFIG: /etc/p.yaml: flushers[0] (s3): AWS_ENDPOINT_URL_S3: "ftp://nope" is not an http(s) URL ' +
        '(set in the process environment)',
    );
  });

  it('lets an option override the AWS_* variable it stands for', () => {
    const yaml = 'flushers:\n  - Type: s3\n    Bucket: b\n    Endpoint: http://localhost:4566\n';
    expect(names(fromYaml(yaml, { AWS_ENDPOINT_URL_S3: 'ftp://nope' }))).toEqual(['s3']);
  });

  it('does not leak other variables (S3_BUCKET, S3_KEY_PREFIX) into a pipeline flusher', () => {
    const vars = { S3_BUCKET: 'from-env', S3_KEY_PREFIX: 'leak/', FILE_DIR: '/tmp/leak' };
    expect(yamlFailure('flushers:\n  - Type: s3\n', vars).message).toContain(
      'flushers[0] (s3).Bucket: the S3 flusher needs a bucket name',
    );
    expect(yamlFailure('flushers:\n  - Type: file\n', vars).message).toContain(
      'flushers[0] (file).Directory: ',
    );
    const pipeline = fromYaml('flushers:\n  - Type: s3\n    Bucket: b\n', vars);
    expect(made(pipeline.flushers[0]!.flusher).description()).toContain('s3://b/<project>');
  });
});

describe('pipeline files that are not valid', () => {
  const S3 = '  - Type: flusher_s3\n    Name: archive\n    Bucket: b\n';
  it.each([
    // [file text, where the error is, part of the detail]
    [
      'flushers:\n  - Type: flusher_kafka\n',
      'flushers[0].Type',
      '"flusher_kafka" has no equivalent here; supported: flusher_s3',
    ],
    ['flushers:\n  - Name: x\n    Type: flusher_sls\n', 'flushers[0] (x).Type', 'has no equivalent here'],
    [
      'flushers:\n  - Bucket: b\n',
      'flushers[0].Type',
      'is required; supported: flusher_s3, flusher_cloudwatch_logs',
    ],
    ['flushers:\n  - Type: [s3]\n', 'flushers[0].Type', 'a list has no equivalent here'],
    [
      `flushers:\n${S3}    bucket: c\n`,
      'flushers[0] (archive).bucket',
      'unknown option of flusher_s3 (did you mean Bucket?); known: Type, Name, Match, Bucket, KeyPrefix',
    ],
    [
      `flushers:\n${S3}    KeyPrefix: {a: 1}\n`,
      'flushers[0] (archive).KeyPrefix',
      'must be a string, number or boolean; got a mapping',
    ],
    [`flushers:\n${S3}    KeyPrefix:\n`, 'flushers[0] (archive).KeyPrefix', 'got nothing'],
    [`flushers:\n${S3}    Format: [jsonl]\n`, 'flushers[0] (archive).Format', 'got a list'],
    [
      // An example file for deployment run as it is: the placeholder would be used literally.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a pipeline file's literal placeholder
      'flushers:\n  - Type: flusher_file\n    Directory: ${param:fileDir}/everything\n',
      'flushers[0].Directory',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder, quoted in the message
      'holds ${param:fileDir}, which only a deployment fills in',
    ],
    [
      // Anywhere in the file, in any ${…} form the deployment would render or refuse.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a pipeline file's literal placeholder
      'flushers:\n  - Type: stdout\n    Match:\n      Logstore: ${ param:store }\n',
      'flushers[0].Match.Logstore',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder, quoted in the message
      'holds ${ param:store }',
    ],
    [
      `flushers:\n${S3}    Compression: brotli\n`,
      'flushers[0] (archive).Compression',
      'must be one of gzip, zstd, none',
    ],
    [
      `flushers:\n${S3}    UploadConcurrency: 65\n`,
      'flushers[0] (archive).UploadConcurrency',
      'must be an integer in 1..64, got 65',
    ],
    [
      `flushers:\n${S3}    ForcePathStyle: 2\n`,
      'flushers[0] (archive).ForcePathStyle',
      'must be true or false',
    ],
    [
      'flushers:\n  - Type: s3\n    Name: a\n',
      'flushers[0] (a).Bucket',
      'the S3 flusher needs a bucket name',
    ],
    ['flushers:\n  - Type: flusher_file\n', 'flushers[0] (flusher_file).Directory', 'is required'],
    [
      'flushers:\n  - Type: flusher_stdout\n    FileName: /tmp/out\n',
      'flushers[0] (flusher_stdout).FileName',
      'use Type flusher_file',
    ],
    [
      'flushers:\n  - Type: stdout\n    Bucket: b\n',
      'flushers[0] (stdout).Bucket',
      'unknown option of stdout; known: Type, Name, Match, OnlyStdout',
    ],
    [
      'flushers:\n  - Type: cloudwatch-logs\n    LogGroup: /a/{nope}\n',
      'flushers[0] (cloudwatch-logs).LogGroup',
      'unknown placeholder {nope}',
    ],
    [
      'flushers:\n  - Type: cloudwatch-logs\n    QuarantineLogGroup: /q/{project}\n',
      'flushers[0] (cloudwatch-logs).QuarantineLogGroup',
      'no placeholders',
    ],
    [
      'flushers:\n  - Type: cloudwatch-logs\n    Concurrency: 0\n',
      'flushers[0] (cloudwatch-logs).Concurrency',
      'must be a whole number in 1..64',
    ],
    [
      'flushers:\n  - Type: cloudwatch-logs\n    Endpoint: http://x\n',
      'flushers[0] (cloudwatch-logs).Endpoint',
      'unknown option',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Type: event_type, Value: metric}\n',
      'flushers[0] (stdout).Match.Value',
      'only log events flow',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Type: event_type, Value: trace}\n',
      'flushers[0] (stdout).Match.Value',
      'only log events flow',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Type: event_type, Value: logs}\n',
      'flushers[0] (stdout).Match.Value',
      'must be log, metric or trace',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Type: regex, Value: x}\n',
      'flushers[0] (stdout).Match.Type',
      'must be tag or event_type',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Type: tag, Value: x}\n',
      'flushers[0] (stdout).Match.Key',
      'must be a non-empty string; got nothing',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Type: tag, Key: env, Value: x, Logstore: y}\n',
      'flushers[0] (stdout).Match.Logstore',
      'a route with Type takes only Type, Key, Value',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Service: x}\n',
      'flushers[0] (stdout).Match.Service',
      'unknown field; known: Project, Logstore',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Logstore: []}\n',
      'flushers[0] (stdout).Match.Logstore',
      'an empty list matches nothing',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Logstore: [a, {b: c}]}\n',
      'flushers[0] (stdout).Match.Logstore[1]',
      'must be a string; got a mapping',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Tags: [env]}\n',
      'flushers[0] (stdout).Match.Tags',
      'must be a mapping',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: {Tags: {env: null}}\n',
      'flushers[0] (stdout).Match.Tags.env',
      'got nothing',
    ],
    [
      'flushers:\n  - Type: stdout\n    Match: nginx\n',
      'flushers[0] (stdout).Match',
      'must be a mapping; got "nginx"',
    ],
    [
      'flushers:\n  - Type: stdout\n    Name: a b\n',
      'flushers[0].Name',
      'must be 1 to 64 of A-Z a-z 0-9 _ . -; got "a b"',
    ],
    [`flushers:\n  - Type: stdout\n    Name: ${'n'.repeat(65)}\n`, 'flushers[0].Name', 'must be 1 to 64'],
    [
      'flushers:\n  - Type: stdout\n    Name: a\n  - Type: s3\n    Name: a\n',
      'flushers[1] (a).Name',
      '"a" is also the name of flushers[0]; names must be unique',
    ],
    [
      'flushers:\n  - Type: stdout\n    Name: file\n  - Type: file\n',
      'flushers[1] (file).Name',
      'a default name: give this flusher a Name',
    ],
    ['flushers:\n  - scalar\n', 'flushers[0]', 'must be a mapping; got "scalar"'],
    ['flushers: []\n', 'flushers', 'must be a non-empty list of flushers; got an empty list'],
    ['flushers: {Type: stdout}\n', 'flushers', 'must be a non-empty list of flushers; got a mapping'],
    ['quarantine: x\n', 'flushers', 'must be a non-empty list of flushers; got nothing'],
    [`flushers:\n${'  - Type: stdout\n'.repeat(17)}`, 'flushers', 'at most 16 flushers; got 17'],
    [
      'flushers:\n  - Type: stdout\nquarantine: archive\n',
      'quarantine',
      'must be the Name of one of the flushers (stdout); got "archive"',
    ],
    ['flushers:\n  - Type: stdout\nquarantine: [stdout]\n', 'quarantine', 'got a list'],
    ['inputs: []\nflushers:\n  - Type: stdout\n', 'inputs', 'the input is the Lambda event source'],
    ['processors: []\n', 'processors', 'not supported: LogGroups are flushed as they arrive'],
    ['aggregators: []\n', 'aggregators', 'not supported'],
    ['flusher:\n  - Type: stdout\n', 'flusher', 'unknown field; known: flushers, quarantine, enable, global'],
    ['enable: false\nflushers:\n  - Type: stdout\n', 'enable', 'this pipeline is disabled'],
    ['enable: yes\nflushers:\n  - Type: stdout\n', 'enable', 'must be true; got "yes"'],
    ['- Type: stdout\n', 'top level', 'must be a mapping with a flushers list; got a list'],
    ['', 'top level', 'got nothing'],
    ['flushers:\n  - Type: stdout\n   Name: x\n', 'invalid YAML', 'at line 3, column 1'],
    ['flushers:\n  - Type: stdout\nflushers: []\n', 'invalid YAML', 'Map keys must be unique at line 3'],
    ['flushers:\n  - Type: !Ref Kind\n', 'invalid YAML', 'Unresolved tag: !Ref at line 2'],
  ])('%j fails at %s', (text, where, detail) => {
    const error = yamlFailure(text);
    expect(error.message.startsWith(`PIPELINE_CONFIG: /etc/p.yaml: ${where}: `)).toBe(true);
    expect(error.message).toContain(detail);
  });

  it('names the flusher by index and Name, and the field, for an error found by the destination', () => {
    const error = failure(() => pipelineFromFile(fixture('bad-retention.yaml'), {}));
    expect(error.message).toBe(
      `PIPELINE_CONFIG: ${fixture('bad-retention.yaml')}: flushers[1] (search).RetentionDays: ` +
        '"31" is not a retention CloudWatch Logs accepts; one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ' +
        '400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    );
    expect((error.cause as ConfigError).variable).toBe('CWL_RETENTION_DAYS');
  });

  it.each([
    ['bad-syntax.yaml', 'invalid YAML: ', 'at line 3, column 1'],
    ['bad-syntax.json', 'invalid JSON: ', 'line 3'],
    ['with-inputs.yaml', 'inputs: ', 'the input is the Lambda event source'],
    ['missing.yaml', 'cannot read the file: ', 'ENOENT'],
  ])('reports %s with the file name', (name, where, detail) => {
    const error = failure(() => pipelineFromFile(fixture(name), {}));
    expect(error.message).toContain(`PIPELINE_CONFIG: ${fixture(name)}: ${where}`);
    expect(error.message).toContain(detail);
  });
});

describe('the option tables', () => {
  it('map every S3 variable, each to one option', () => {
    expect(Object.values(FLUSHER_OPTIONS.s3).sort()).toEqual(Object.values(S3_ENV).sort());
  });

  it('map every CWL_* variable the CloudWatch Logs configuration reads', () => {
    const source = readFileSync(join(import.meta.dirname, '../../src/flushers/cloudwatch/config.ts'), 'utf8');
    const read = new Set(source.match(/\bCWL_[A-Z_]+\b/g));
    expect(Object.values(FLUSHER_OPTIONS['cloudwatch-logs']).sort()).toEqual([...read].sort());
  });

  it('name every flusher kind, with its iLogtail name and its own', () => {
    for (const kind of FLUSHER_KINDS) {
      expect(FLUSHER_TYPE_NAMES).toHaveProperty([kind], kind);
      expect(FLUSHER_TYPE_NAMES).toHaveProperty([`flusher_${kind.replace('-', '_')}`], kind);
    }
  });
});

describe('handlerOptionsFromEnv with PIPELINE_CONFIG', () => {
  const PIPELINE = { PIPELINE_CONFIG: fixture('two-flushers.yaml') };

  it('gives flushers from the file, no flusher, and the quarantine the file names', () => {
    const options = handlerOptionsFromEnv(PIPELINE);
    expect(options.flusher).toBeUndefined();
    expect(options.flushers?.map((flusher) => flusher.name)).toEqual(['archive', 'search']);
    expect(options.quarantine.description()).toContain('s3://my-logs/logs/_quarantine/');
  });

  it('lets QUARANTINE_DIR override the pipeline quarantine', () => {
    const options = handlerOptionsFromEnv({ ...PIPELINE, QUARANTINE_DIR: '/tmp/q' });
    expect((options.quarantine as FileQuarantineSink).directory).toBe('/tmp/q');
  });

  it('refuses FLUSHER and PIPELINE_CONFIG together', () => {
    const error = failure(() => handlerOptionsFromEnv({ ...PIPELINE, FLUSHER: 's3' }));
    expect(error.message).toContain('set either FLUSHER (one flusher) or PIPELINE_CONFIG');
  });

  it('fails on a bad pipeline file as on a bad variable', () => {
    const error = failure(() => handlerOptionsFromEnv({ PIPELINE_CONFIG: fixture('bad-retention.yaml') }));
    expect(error.message).toContain('(search).RetentionDays');
  });

  it('names both FLUSHER and PIPELINE_CONFIG when neither is set', () => {
    expect(() => handlerOptionsFromEnv({})).toThrow(/FLUSHER.*PIPELINE_CONFIG/);
  });
});
