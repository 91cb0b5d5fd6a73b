import type { Context } from 'aws-lambda';
import { readEventFile } from './inputFiles.ts';
import { localEnv, localHandlers, stopLocalFlushers } from './localHandlers.ts';
import { localLambdaContext } from './localLambdaContext.ts';

/** `invoke --source sqs|kinesis --event FILE [--timeout-ms N]`: run the real handler on an event file. */
export async function invoke(args: {
  source: 'sqs' | 'kinesis';
  event: string;
  timeoutMs: number;
}): Promise<unknown> {
  const event = await readEventFile(args.event);
  const handlers = localHandlers(localEnv());
  const handler = handlers[args.source] as (event: unknown, context: Context) => Promise<unknown>;
  try {
    return await handler(event, localLambdaContext(args.timeoutMs));
  } finally {
    await stopLocalFlushers();
  }
}
