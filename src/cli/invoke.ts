import { readFile } from 'node:fs/promises';
import type { Context } from 'aws-lambda';
import { localEnv, localHandlers, stopLocalFlushers } from './localHandlers.ts';
import { localLambdaContext } from './localLambdaContext.ts';

/** `invoke --source sqs|kinesis --event FILE [--timeout-ms N]`: run the real handler on an event file. */
export async function invoke(args: { source: string; event: string; timeoutMs: number }): Promise<unknown> {
  if (args.source !== 'sqs' && args.source !== 'kinesis') throw new Error('--source must be sqs or kinesis');
  const event = JSON.parse(await readFile(args.event, 'utf8'));
  const handlers = localHandlers(localEnv());
  const handler = handlers[args.source] as (event: unknown, context: Context) => Promise<unknown>;
  try {
    return await handler(event, localLambdaContext(args.timeoutMs));
  } finally {
    await stopLocalFlushers();
  }
}
