// `npm run demo` (the CLI's `demo` command), run as CI runs it, in a scratch working directory.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/loggroup-flusher.js');

describe('the demo', () => {
  let cwd: string;
  let stdout: string;
  let started: number;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'demo-'));
    started = Date.now();
    ({ stdout } = await run(process.execPath, [bin, 'demo'], { cwd, env: { PATH: process.env.PATH } }));
  }, 60_000);
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('runs every input format and the poison records through one flusher, all acked', () => {
    expect(stdout).toContain('SQS batch response: {"batchItemFailures":[]}');
    expect(stdout).toContain('Kinesis batch response: {"batchItemFailures":[]}');
    expect(stdout).toContain('records: 27, quarantined: 3, handed back for retry: 0');
  });

  it('shows a pipeline of two flushers where the retry writes only to the one that failed', () => {
    const pipeline = stdout.slice(stdout.indexOf('── Pipeline'));
    expect(pipeline).toMatch(
      /delivery 1: .*search is down\n {2}archive {2}stored 45 logs of 9 messages\n {2}search {3}flush failed/,
    );
    expect(pipeline).toContain(
      'response: 6 messages handed back for retry (demo-pipeline-1, demo-pipeline-2,',
    );
    expect(pipeline).toMatch(
      /delivery 2: .*\n {2}archive {2}nothing to write: .*\n {2}search {3}stored 30 logs of 6 messages\n {2}response: every message acked/,
    );
    expect(pipeline).toContain('each flusher holds exactly the logs its match takes, once');
  });

  it('leaves each flusher its own files: archive every logstore, search only its two', async () => {
    const root = join(cwd, '.demo-output', 'pipeline');
    expect((await readdir(join(root, 'archive', 'demo-shop'))).sort()).toEqual([
      'auth',
      'checkout',
      'nginx-access',
    ]);
    expect((await readdir(join(root, 'search', 'demo-shop'))).sort()).toEqual(['auth', 'checkout']);
  });

  it('writes logs of the last minutes, which CloudWatch Logs would take (not fixed old times)', async () => {
    const root = join(cwd, '.demo-output', 'demo-shop');
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const times: number[] = [];
    for (const entry of entries.filter((e) => e.isFile())) {
      const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
      for (const line of text.split('\n').filter(Boolean)) times.push(JSON.parse(line).time * 1000);
    }
    expect(times.length).toBeGreaterThan(400);
    for (const time of times) {
      expect(time).toBeGreaterThan(started - 15 * 60_000);
      expect(time).toBeLessThan(Date.now() + 60_000);
    }
  });
});
