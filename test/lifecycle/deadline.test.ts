import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdaTask, type LambdaTask } from '../fixtures/lambda-runtime/buildLambdaTask.ts';
import { deployedFunction } from '../fixtures/lambda-runtime/deployedFunction.ts';
import { LambdaEnvironment } from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import { runtimeClientFromEnv } from '../fixtures/lambda-runtime/runtimeClients.ts';
import { expectRuntimeEndedInBudget } from './expectShutdown.ts';

/** An "S3 endpoint" that accepts connections and never answers: every flush hangs mid-request. */
async function startStallingServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, sockets };
}

// The function timeout, and the urgency margin (the default is 10 % of it, at least 200 ms; a
// wider one keeps this test steady on a loaded machine without changing what it checks).
const TIMEOUT_MS = 2_500;
const URGENCY_MARGIN_MS = '800';

describe(`a function timeout mid-flush (runtime client: ${runtimeClientFromEnv('').name})`, () => {
  let task: LambdaTask;
  let stalling: Awaited<ReturnType<typeof startStallingServer>>;
  let connections = 0;
  beforeAll(async () => {
    task = await buildLambdaTask();
    stalling = await startStallingServer();
    stalling.server.on('connection', () => connections++);
  });
  afterAll(async () => {
    for (const socket of stalling?.sockets ?? []) socket.destroy();
    await new Promise((resolve) => stalling?.server.close(resolve));
    await task?.remove();
  });

  it('answers before the deadline with every record for retry, replaces the flusher, and shuts down in budget', async () => {
    const environment = await LambdaEnvironment.start(
      deployedFunction(
        task,
        'sqs',
        {
          FLUSHER: 's3',
          S3_BUCKET: 'logs',
          S3_KEY_PREFIX: 'logs/',
          S3_FORCE_PATH_STYLE: 'true',
          S3_CHECKSUM: 'when_required',
          AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${stalling.port}`,
          URGENCY_MARGIN_MS,
        },
        { timeoutMs: TIMEOUT_MS },
      ),
    );
    try {
      expect(environment.init, environment.transcript()).toMatchObject({ kind: 'ready' });
      const event = JSON.parse(await readFile(join(import.meta.dirname, '../events/sqs.json'), 'utf8'));
      const everyId = event.Records.map((record: { messageId: string }) => ({
        itemIdentifier: record.messageId,
      }));

      for (const attempt of [1, 2]) {
        const before = connections;
        const outcome = await environment.invoke(event);
        expect(outcome, environment.transcript()).toMatchObject({ kind: 'response' });
        if (outcome.kind !== 'response') return;
        // Answered, before the deadline, with nothing acked: the data never became durable.
        expect(outcome.marginMs).toBeGreaterThan(0);
        expect((outcome.body as { batchItemFailures: unknown[] }).batchItemFailures).toEqual(
          expect.arrayContaining(everyId),
        );
        expect((outcome.body as { batchItemFailures: unknown[] }).batchItemFailures).toHaveLength(
          everyId.length,
        );
        // ...while the upload was on the wire.
        expect(connections, `attempt ${attempt}`).toBeGreaterThan(before);
      }
      const batches = environment.jsonLogs().filter((line) => line.message === 'batch processed');
      expect(batches.map((line) => line.deadlineReached)).toEqual([true, true]);
      // The flusher stopped at the deadline was replaced by a fresh one for the next invocation.
      expect(environment.messages().filter((message) => message === 'flusher initialised')).toHaveLength(2);

      // The last flusher was already stopped at its deadline: SIGTERM has nothing left to wait for.
      expectRuntimeEndedInBudget(environment, await environment.shutdown());
    } finally {
      await environment.shutdown();
    }
  });
});
