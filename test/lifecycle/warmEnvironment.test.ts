import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdaTask, type LambdaTask } from '../fixtures/lambda-runtime/buildLambdaTask.ts';
import { deployedFunction } from '../fixtures/lambda-runtime/deployedFunction.ts';
import { LambdaEnvironment } from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import { runtimeClientFromEnv } from '../fixtures/lambda-runtime/runtimeClients.ts';
import { expectFlusherStoppedInBudget, expectRuntimeEndedInBudget } from './expectShutdown.ts';

const EXTENSION = 'loggroup-flusher-shutdown';
const events = join(import.meta.dirname, '../events');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe(`a warm execution environment (runtime client: ${runtimeClientFromEnv('').name})`, () => {
  let task: LambdaTask;
  beforeAll(async () => {
    task = await buildLambdaTask();
  });
  afterAll(() => task?.remove());

  it.each([
    ['sqs', 'sqs.json'],
    ['kinesis', 'kinesis.json'],
  ] as const)(
    'the %s function reuses one flusher across invocations, then shuts down within the budget',
    async (name, eventFile) => {
      const out = join(task.dir, `out-${name}`);
      const environment = await LambdaEnvironment.start(
        deployedFunction(task, name, { FLUSHER: 'file', FILE_DIR: out }),
      );
      try {
        expect(environment.init, environment.transcript()).toMatchObject({ kind: 'ready' });
        const event = JSON.parse(await readFile(join(events, eventFile), 'utf8'));
        const outcomes = [];
        for (let i = 0; i < 3; i++) outcomes.push(await environment.invoke(event));

        for (const outcome of outcomes) {
          expect(outcome, environment.transcript()).toMatchObject({
            kind: 'response',
            body: { batchItemFailures: [] },
          });
        }
        expect(environment.messages().filter((message) => message === 'flusher initialised')).toHaveLength(1);
        // The context came from the Runtime API headers: each invocation logged under its request id,
        // and only the first one was a cold start.
        const batches = environment.jsonLogs().filter((line) => line.message === 'batch processed');
        expect(batches.map((line) => line.function_request_id)).toEqual(outcomes.map((o) => o.requestId));
        expect(batches.map((line) => line.cold_start)).toEqual([true, false, false]);
        expect((await filesUnder(out)).some((file) => file.endsWith('.jsonl'))).toBe(true);

        const report = await environment.shutdown();
        expectFlusherStoppedInBudget(environment, report);
        expectRuntimeEndedInBudget(environment, report);
        const messages = environment.messages();
        expect(messages.indexOf('shutdown: flusher made urgent')).toBeGreaterThan(
          messages.lastIndexOf('batch processed'),
        );
      } finally {
        await environment.shutdown();
      }
    },
  );

  it('the extension registers for SHUTDOWN only, and exits cleanly on it', async () => {
    const environment = await LambdaEnvironment.start(
      deployedFunction(task, 'sqs', { FLUSHER: 'file', FILE_DIR: join(task.dir, 'out-extension') }),
    );
    expect(environment.init, environment.transcript()).toMatchObject({ kind: 'ready' });
    const report = await environment.shutdown();

    const extensions = [...environment.api.extensions.values()];
    expect(extensions).toEqual([
      expect.objectContaining({ name: EXTENSION, events: ['SHUTDOWN'], errors: [] }),
    ]);
    expect(extensions[0]?.delivered).toEqual([
      expect.objectContaining({ eventType: 'SHUTDOWN', shutdownReason: 'spindown' }),
    ]);
    expect(report.extensions).toEqual([
      expect.objectContaining({
        source: `extension:${EXTENSION}`,
        killed: false,
        exit: expect.objectContaining({ code: 0 }),
      }),
    ]);
    expect(environment.messages(`extension:${EXTENSION}`)).toEqual(['shutdown']);
  });
});
