// The harness itself behaves as Lambda does where the function cannot show it: a handler that
// ignores its deadline, a runtime that ignores SIGTERM, a handler that throws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdaTask, type LambdaTask } from '../fixtures/lambda-runtime/buildLambdaTask.ts';
import { deployedFunction } from '../fixtures/lambda-runtime/deployedFunction.ts';
import {
  LambdaEnvironment,
  RUNTIME_SHUTDOWN_BUDGET_MS,
} from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import { runtimeClientFromEnv } from '../fixtures/lambda-runtime/runtimeClients.ts';

describe(`the Lambda harness (runtime client: ${runtimeClientFromEnv('').name})`, () => {
  let task: LambdaTask;
  beforeAll(async () => {
    task = await buildLambdaTask();
    await task.addModule(
      'functions/hang.mjs',
      'export const handler = () => new Promise(() => setInterval(() => {}, 1_000));\n',
    );
    await task.addModule(
      'functions/stubborn.mjs',
      "process.on('SIGTERM', () => {});\nexport const handler = async () => ({ ok: true });\n",
    );
    await task.addModule(
      'functions/throws.mjs',
      "let calls = 0;\nexport const handler = async () => { if (++calls === 1) throw new TypeError('bad event'); return { calls }; };\n",
    );
  });
  afterAll(() => task?.remove());

  const start = (handler: string, timeoutMs = 5_000) =>
    LambdaEnvironment.start(deployedFunction(task, 'sqs', {}, { handler, timeoutMs }));

  it('a handler that misses its deadline times out, and the environment is reset', async () => {
    const environment = await start('functions/hang.handler', 400);
    expect(environment.init, environment.transcript()).toMatchObject({ kind: 'ready' });
    const outcome = await environment.invoke({});
    expect(outcome).toMatchObject({ kind: 'timeout', shutdown: { reason: 'timeout' } });
    const [extension] = environment.api.extensions.values();
    expect(extension?.delivered).toEqual([
      expect.objectContaining({ eventType: 'SHUTDOWN', shutdownReason: 'timeout' }),
    ]);
    await expect(environment.invoke({})).rejects.toThrow(/not ready/);
  });

  it('a runtime still alive after its shutdown budget is killed', async () => {
    const environment = await start('functions/stubborn.handler');
    expect(await environment.invoke({}), environment.transcript()).toMatchObject({ body: { ok: true } });
    const report = await environment.shutdown();
    expect(report.runtime).toMatchObject({ killed: true, exit: { signal: 'SIGKILL' } });
    expect(report.runtime?.exitedAfterMs).toBeGreaterThanOrEqual(RUNTIME_SHUTDOWN_BUDGET_MS);
    expect(report.extensions).toEqual([expect.objectContaining({ killed: false })]);
  });

  it('a handler error is posted to /error, and the environment stays warm', async () => {
    const environment = await start('functions/throws.handler');
    try {
      expect(await environment.invoke({})).toMatchObject({
        kind: 'error',
        errorType: 'TypeError',
        body: { errorType: 'TypeError', errorMessage: 'bad event' },
      });
      expect(await environment.invoke({})).toMatchObject({ kind: 'response', body: { calls: 2 } });
    } finally {
      await environment.shutdown();
    }
  });
});
