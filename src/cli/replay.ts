import type { Context, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { InputFileError, readLogGroups } from './inputFiles.ts';
import { localEnv, localHandlers, stopLocalFlushers } from './localHandlers.ts';
import { localLambdaContext } from './localLambdaContext.ts';
import { LogTooLargeError, maxPayloadBytes, packRecords } from './recordLimits.ts';
import { Progress, type ProgressStream, printSummary, type ReplayTotals } from './replayReport.ts';

export interface ReplayArgs {
  input: string;
  source: 'sqs' | 'kinesis';
  batchSize: number;
  timeoutMs: number;
  retries: number;
  /** Where the progress bar goes (drawn only on a terminal). Default: stderr. */
  progress?: ProgressStream;
}

/**
 * `replay`: read LogGroups from a file, pack them into records as the source would carry them
 * (see {@link packRecords}), push them through the real handler in batches and deliver again what
 * it hands back, up to `retries` times. Prints a summary table, and a `N records not acked` line
 * on stderr when some never were.
 */
export async function replay(args: ReplayArgs): Promise<ReplayTotals> {
  const groups = await readLogGroups(args.input);
  const maxBytes = maxPayloadBytes(args.source);
  let payloads: Uint8Array[];
  try {
    payloads = packRecords(groups, maxBytes);
  } catch (error) {
    if (!(error instanceof LogTooLargeError)) throw error;
    const record = args.source === 'sqs' ? 'SQS message' : 'Kinesis record';
    throw new InputFileError(
      args.input,
      `log ${error.log + 1} of LogGroup ${error.group + 1} alone encodes to ${error.bytes} bytes, more than one ${record} carries (${error.maxBytes} bytes); nothing was replayed`,
    );
  }
  const handlers = localHandlers(localEnv());
  const totals: ReplayTotals = {
    records: payloads.length,
    logs: 0,
    bytes: 0,
    acked: 0,
    retried: 0,
    quarantined: 0,
    elapsedMs: 0,
  };
  for (const group of groups) totals.logs += group.logs.length;
  for (const payload of payloads) totals.bytes += payload.length;
  const started = performance.now();
  const queue = payloads.map((data, i) => ({
    id: `replay-${String(i).padStart(8, '0')}`,
    data,
    attempts: 0,
  }));
  const progress = new Progress(args.progress);
  try {
    while (queue.length > 0) {
      const batch = queue.splice(0, args.batchSize);
      const failed = new Set(await invokeBatch(handlers, args, batch));
      const acked = batch.filter((r) => !failed.has(r.id));
      totals.acked += acked.length;
      const again = batch.filter((r) => failed.has(r.id) && ++r.attempts <= args.retries);
      totals.retried += batch.length - acked.length;
      queue.unshift(...again);
      progress.update(totals.acked, payloads.length, totals.bytes, performance.now() - started);
    }
  } finally {
    progress.close();
    totals.elapsedMs = performance.now() - started;
    totals.quarantined = handlers.stats.quarantined;
    await stopLocalFlushers();
  }
  printSummary(totals);
  const notAcked = totals.records - totals.acked;
  if (notAcked > 0) {
    console.error(
      `${notAcked} ${notAcked === 1 ? 'record' : 'records'} not acked (of ${totals.records}, after ${args.retries} ${args.retries === 1 ? 'retry' : 'retries'})`,
    );
  }
  return totals;
}

type Handlers = ReturnType<typeof localHandlers>;
type Item = { id: string; data: Uint8Array };

async function invokeBatch(handlers: Handlers, args: ReplayArgs, batch: Item[]): Promise<string[]> {
  const context: Context = localLambdaContext(args.timeoutMs);
  if (args.source === 'sqs') {
    const event = {
      Records: batch.map(({ id, data }) => ({ messageId: id, body: Buffer.from(data).toString('base64') })),
    };
    const response = await handlers.sqs(event as unknown as SQSEvent, context);
    return response.batchItemFailures.map((f) => f.itemIdentifier);
  }
  const event = {
    Records: batch.map(({ id, data }) => ({
      eventID: `shardId-000000000000:${id}`,
      kinesis: { sequenceNumber: id, data: Buffer.from(data).toString('base64') },
    })),
  };
  const response = await handlers.kinesis(event as unknown as KinesisStreamEvent, context);
  const first = response.batchItemFailures[0]?.itemIdentifier;
  // Kinesis resumes from the reported record: it and everything after it come again.
  return first === undefined ? [] : batch.slice(batch.findIndex((r) => r.id === first)).map((r) => r.id);
}
