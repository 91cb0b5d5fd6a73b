import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

describe('the loggroup-flusher bin', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bin-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('invokes the real SQS handler on the sample event and prints the batch response', async () => {
    const { stdout } = await run(
      process.execPath,
      ['bin/loggroup-flusher.js', 'invoke', '--source', 'sqs', '--event', 'test/events/sqs.json'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          FLUSHER: 'file',
          FILE_DIR: dir,
          PROJECT: 'shop',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
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
    const { stdout } = await run(
      process.execPath,
      ['bin/loggroup-flusher.js', 'invoke', '--source', 'sqs', '--event', 'test/events/sqs.json'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          PIPELINE_CONFIG: file,
          PROJECT: 'shop',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
    expect((await readdir(join(out, 'everything', 'shop'))).sort()).toEqual(['checkout', 'nginx-access']);
    expect(await readdir(join(out, 'checkout', 'shop'))).toEqual(['checkout']);
  });

  it('exits 2 with the usage on an unknown command', async () => {
    const error = await run(process.execPath, ['bin/loggroup-flusher.js', 'frobnicate'], { cwd: root }).catch(
      (e) => e,
    );
    expect(error.code).toBe(2);
    expect(error.stderr).toContain('usage: loggroup-flusher');
  });
});
