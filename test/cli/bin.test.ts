import { mkdtempSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli } from './runCli.ts';

/** The one line the CLI writes to stderr for a failure, checked to be exactly one line. */
function oneLine(result: CliResult): string {
  expect(result.stderr.endsWith('\n')).toBe(true);
  const lines = result.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at |usage:/);
  return lines[0]!;
}

describe('the loggroup-flusher bin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bin-'));
  const at = (name: string) => join(dir, name);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('invokes the real SQS handler on the sample event and prints the batch response', async () => {
    const result = await cli(['invoke', '--source', 'sqs', '--event', 'test/events/sqs.json'], {
      FLUSHER: 'file',
      FILE_DIR: dir,
      PROJECT: 'shop',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ batchItemFailures: [] });
    expect(await readdir(join(dir, 'shop'))).toEqual(expect.arrayContaining(['nginx-access', 'checkout']));
    expect(await readdir(join(dir, '_quarantine'))).toHaveLength(1);
  });

  it('invokes the handler through a pipeline file given as PIPELINE_CONFIG (no FLUSHER default then)', async () => {
    const out = join(dir, 'pipeline');
    const file = join(dir, 'pipeline.yaml');
    await writeFile(
      file,
      [
        'flushers:',
        '  - Type: flusher_file',
        '    Name: everything',
        `    Directory: ${join(out, 'everything')}`,
        '  - Type: flusher_file',
        '    Name: checkout',
        `    Directory: ${join(out, 'checkout')}`,
        '    Match: { Logstore: checkout }',
      ].join('\n'),
    );
    const result = await cli(['invoke', '--source', 'sqs', '--event', 'test/events/sqs.json'], {
      PIPELINE_CONFIG: file,
      PROJECT: 'shop',
    });
    expect(JSON.parse(result.stdout)).toEqual({ batchItemFailures: [] });
    expect((await readdir(join(out, 'everything', 'shop'))).sort()).toEqual(['checkout', 'nginx-access']);
    expect(await readdir(join(out, 'checkout', 'shop'))).toEqual(['checkout']);
  });

  describe.concurrent('help', () => {
    it.each([
      [['--help'], 'usage: loggroup-flusher <command> [options]'],
      [['-h'], 'usage: loggroup-flusher <command> [options]'],
      [['help'], 'usage: loggroup-flusher <command> [options]'],
      [[], 'usage: loggroup-flusher <command> [options]'],
      [['frobnicate', '--help'], 'usage: loggroup-flusher <command> [options]'],
      [['invoke', '--help'], 'usage: loggroup-flusher invoke --source sqs|kinesis --event FILE'],
      [['invoke', '--source', 'sqs', '-h'], 'usage: loggroup-flusher invoke '],
      [['replay', '--input', 'x.pb', '--bogus', 'help'], 'usage: loggroup-flusher replay '],
      [['help', 'sample-event'], 'usage: loggroup-flusher sample-event --source sqs|sqs-fifo|kinesis'],
      [['--batch-size', 'abc', 'replay', '--help'], 'usage: loggroup-flusher replay '],
    ])('%j prints the usage on stdout and exits 0', async (args, first) => {
      const result = await cli(args);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.startsWith(first)).toBe(true);
    });
  });

  describe.concurrent('a wrong command line: one line on stderr, exit 2, no usage, no stack trace', () => {
    it.each([
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['--source', 'sqs'], 'no command given'],
      [['invoke', '--bogus'], 'unknown option --bogus for invoke'],
      [['invoke', '-x'], 'unknown option -x for invoke'],
      [['demo', '--source', 'sqs'], 'demo takes no --source option'],
      [
        ['invoke', '--source', 'sqs', '--event', 'test/events/sqs.json', 'extra'],
        'unexpected argument "extra" for invoke',
      ],
      [['invoke', '--source', 'sqs', '--event'], '--event needs a value'],
      [['invoke', '--source', 'sqs', '--event', '--timeout-ms', '5'], '--event needs a value'],
      [['invoke', '--source', 'sqs', '--event='], '--event needs a value'],
      [['invoke', '--event', 'x.json'], 'invoke needs --source'],
      [['invoke', '--source', 'ftp', '--event', 'x.json'], '--source must be sqs or kinesis; got "ftp"'],
      [['invoke', '--source', 'sqs', '--source', 'kinesis', '--event', 'x'], '--source given twice'],
      [
        ['replay', '--input', 'x.pb', '--batch-size', 'abc'],
        '--batch-size must be an integer from 1 to 10000; got "abc"',
      ],
      [
        ['replay', '--input', 'x.pb', '--batch-size', '0'],
        '--batch-size must be an integer from 1 to 10000; got "0"',
      ],
      [
        ['replay', '--input', 'x.pb', '--batch-size', '1e3'],
        '--batch-size must be an integer from 1 to 10000; got "1e3"',
      ],
      [
        ['replay', '--input', 'x.pb', '--timeout-ms', '-1'],
        '--timeout-ms must be an integer from 1 to 900000; got "-1"',
      ],
      [
        ['replay', '--input', 'x.pb', '--timeout-ms=900001'],
        '--timeout-ms must be an integer from 1 to 900000; got "900001"',
      ],
      [
        ['replay', '--input', 'x.pb', '--retries', 'abc'],
        '--retries must be an integer from 0 to 100; got "abc"',
      ],
      [
        ['replay', '--input', 'x.pb', '--retries', '1.5'],
        '--retries must be an integer from 0 to 100; got "1.5"',
      ],
      [
        ['invoke', '--source', 'sqs', '--event', 'x.json', '--timeout-ms', ' 5'],
        '--timeout-ms must be an integer',
      ],
      [['sample-event', '--source', 'sns'], '--source must be sqs or sqs-fifo or kinesis; got "sns"'],
    ])('%j', async (args, message) => {
      const result = await cli(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(oneLine(result)).toMatch(new RegExp(`^loggroup-flusher: ${literal(message)}.*; see --help$`));
    });
  });

  describe.concurrent('a missing or corrupt file: one line naming the file and the problem, exit 2', () => {
    const files: Record<string, string> = {
      'bad.json': '{\n  "Records": [\n    {"messageId": x}\n  ]\n}\n',
      'cut.json': '{"Records": [',
      'list.json': '[]',
      'logs.jsonl': '{"logs": []}\n{"logs": [1,]}\n',
    };
    beforeAll(async () => {
      for (const [name, text] of Object.entries(files)) await writeFile(at(name), text);
    });

    it.each([
      [['invoke', '--source', 'sqs', '--event', at('missing.json')], `${at('missing.json')}: no such file`],
      [
        ['invoke', '--source', 'sqs', '--event', at('bad.json')],
        `${at('bad.json')}: invalid JSON at line 3 column 19: unexpected "x"`,
      ],
      [
        ['invoke', '--source', 'sqs', '--event', at('cut.json')],
        `${at('cut.json')}: invalid JSON at line 1 column 14: unexpected end of file`,
      ],
      [
        ['invoke', '--source', 'sqs', '--event', at('list.json')],
        `${at('list.json')}: not a Lambda SQS or Kinesis event: no "Records" array`,
      ],
      [['invoke', '--source', 'sqs', '--event', dir], `${dir}: is a directory`],
      [
        ['replay', '--input', at('logs.jsonl')],
        `${at('logs.jsonl')}: invalid JSON at line 2 column 13: unexpected "]"`,
      ],
      [['replay', '--input', at('missing.pb')], `${at('missing.pb')}: no such file`],
      [
        ['sample-event', '--source', 'sqs', '--out', at('no/such/dir/e.json')],
        `${at('no/such/dir/e.json')}: cannot write: no such directory`,
      ],
    ])('%j', async (args, message) => {
      const result = await cli(args);
      expect(result.code).toBe(2);
      expect(oneLine(result)).toBe(`loggroup-flusher: ${message}`);
    });
  });

  describe.concurrent('a configuration error: its ConfigError message alone, exit 2', () => {
    it('FLUSHER', async () => {
      const result = await cli(['invoke', '--source', 'sqs', '--event', 'test/events/sqs.json'], {
        FLUSHER: 'ftp',
      });
      expect(result.code).toBe(2);
      expect(oneLine(result)).toBe(
        'loggroup-flusher: FLUSHER: must be one of s3, cloudwatch-logs, stdout, file; got "ftp"',
      );
    });

    it('PIPELINE_CONFIG', async () => {
      const file = at('wrong.yaml');
      await writeFile(file, 'flushers:\n  - Type: flusher_kafka\n');
      const result = await cli(['invoke', '--source', 'sqs', '--event', 'test/events/sqs.json'], {
        PIPELINE_CONFIG: file,
      });
      expect(result.code).toBe(2);
      expect(oneLine(result)).toMatch(/^loggroup-flusher: PIPELINE_CONFIG: .*wrong\.yaml: .*flusher_kafka/);
    });
  });

  it('any other failure: one line with the error and its causes, exit 1', async () => {
    const result = await cli(['invoke', '--source', 'kinesis', '--event', 'test/events/sqs.json']);
    expect(result.code).toBe(1);
    expect(oneLine(result)).toBe(
      'loggroup-flusher: InvalidEventError: Kinesis record 0 has no sequenceNumber (it looks like an SQS message)',
    );
  });

  it('replay: the records not acked are counted on stderr, exit 1', async () => {
    await writeFile(at('refusing-project'), '');
    const input = at('one.jsonl');
    await writeFile(input, '{"logs": [{"time": 1, "contents": []}], "logTags": []}\n');
    // The project directory is a plain file: the flush fails every time.
    const result = await cli(['replay', '--input', input, '--retries', '0'], {
      FLUSHER: 'file',
      FILE_DIR: dir,
      PROJECT: 'refusing-project',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^records +1\n(.*\n)*acked +0\n/);
    expect(oneLine(result)).toBe('1 record not acked (of 1, after 0 retries)');
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
