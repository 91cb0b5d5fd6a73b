// `serverless invoke local` runs the real handlers offline (CJS bundles, literal environment),
// with the file flusher, and with a pipeline of two file flushers.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServerless } from './runServerless.ts';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'invoke-local-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

/** invoke local prints the handler's logs, then the response as indented JSON. */
function response(stdout: string): unknown {
  const start = stdout.lastIndexOf('\n{\n');
  return JSON.parse(stdout.slice(start + 1));
}

describe('serverless invoke local', () => {
  it.each([
    ['sqs', 'test/events/sqs.json'],
    ['kinesis', 'test/events/kinesis.json'],
  ])(
    'runs the %s function on %s with FLUSHER=file',
    async (name, event) => {
      const fileDir = join(out, name);
      const run = await runServerless([
        'invoke',
        'local',
        '-f',
        name,
        '--path',
        event,
        '--param',
        'flusher=file',
        '--param',
        `fileDir=${fileDir}`,
      ]);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(response(run.stdout)).toEqual({ batchItemFailures: [] });
      expect(run.stdout).toContain('"message":"batch processed"');
      const written = await readdir(fileDir, { recursive: true });
      expect(written.some((file) => file.endsWith('.jsonl'))).toBe(true);
    },
    120_000,
  );

  // Before the check at initialize, the handler's ConfigError at import left serverless-esbuild's
  // children running and the command never exited.
  it('refuses a bad FLUSHER before building, naming it, and exits', async () => {
    const run = await runServerless(
      ['invoke', 'local', '-f', 'sqs', '--path', 'test/events/sqs.json', '--param', 'flusher=ftp'],
      60_000,
    );
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}\n${run.stderr}`).toContain('provider.environment: FLUSHER: ');
  }, 90_000);

  it('runs the sqs function through the pipeline infra/pipelines/local-files.yaml', async () => {
    const fileDir = join(out, 'pipeline');
    const run = await runServerless([
      'invoke',
      'local',
      '-f',
      'sqs',
      '--path',
      'test/events/sqs.json',
      '--param',
      'pipelineConfig=infra/pipelines/local-files.yaml',
      '--param',
      `fileDir=${fileDir}`,
    ]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(response(run.stdout)).toEqual({ batchItemFailures: [] });
    // Per-flusher metrics carry the flusher's name.
    expect(run.stdout).toContain('"flusher":"everything"');
    const logstores = async (flusher: string) => {
      const files = await readdir(join(fileDir, flusher), { recursive: true });
      const data = files.filter((file) => file.endsWith('.jsonl') && !file.startsWith('_quarantine'));
      return [...new Set(data.map((file) => file.split(/[\\/]/).at(-2)))].sort();
    };
    // `everything` takes every LogGroup, `checkout` only its logstore's; the quarantine is the first flusher's.
    expect(await logstores('everything')).toEqual(['checkout', 'nginx-access']);
    expect(await logstores('checkout')).toEqual(['checkout']);
    expect(await readdir(join(fileDir, 'everything', '_quarantine'))).toHaveLength(1);
  }, 120_000);
});
