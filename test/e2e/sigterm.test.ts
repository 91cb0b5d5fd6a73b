import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../infra/bundle.ts';

/** Lambda gives the runtime at most 500 ms after SIGTERM (with an internal extension; 300 ms with an external one). */
const SHUTDOWN_BUDGET_MS = 500;

// Stands in for the runtime client: load the bundled handler, run one invocation, then idle as a
// warm environment does until SIGTERM arrives.
const BOOTSTRAP = `
import { readFileSync } from 'node:fs';
const { handler } = await import(process.env.BUNDLE);
const event = JSON.parse(readFileSync(process.env.EVENT, 'utf8'));
const deadline = Date.now() + 30000;
const context = { awsRequestId: 'req-1', functionName: 'sqs', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sqs', memoryLimitInMB: '512', getRemainingTimeInMillis: () => deadline - Date.now() };
const response = await handler(event, context);
process.stdout.write('RESPONSE ' + JSON.stringify(response) + '\\n');
setInterval(() => {}, 60000);
`;

describe('the bundled SQS function on SIGTERM', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sigterm-'));
    await bundle({ outdir: join(dir, 'dist') });
    await writeFile(join(dir, 'bootstrap.mjs'), BOOTSTRAP);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes the flusher urgent, stops it, and exits 0 within the budget', async () => {
    const child = spawn(process.execPath, [join(dir, 'bootstrap.mjs')], {
      env: {
        PATH: process.env.PATH,
        BUNDLE: join(dir, 'dist/functions/sqs.mjs'),
        EVENT: join(import.meta.dirname, '../events/sqs.json'),
        FLUSHER: 'file',
        FILE_DIR: join(dir, 'out'),
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.on('exit', (code) => resolve({ code, at: performance.now() })),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.includes('RESPONSE') && resolve());
      child.on('exit', () => reject(new Error(`child exited early:\n${stdout}`)));
    });
    expect(stdout).toContain('RESPONSE {"batchItemFailures":[]}');
    const sent = performance.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - sent).toBeLessThan(SHUTDOWN_BUDGET_MS);
    const messages = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line).message);
    expect(messages.indexOf('shutdown: flusher made urgent')).toBeGreaterThan(-1);
    expect(messages.indexOf('shutdown: flusher stopped')).toBeGreaterThan(
      messages.indexOf('shutdown: flusher made urgent'),
    );
  });
});
