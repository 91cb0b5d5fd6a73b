import { readFile } from 'node:fs/promises';
import type { Context, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { decodeLogGroupList } from '../protocol/decodeLogGroup.ts';
import { encodeLogGroupList } from '../protocol/encodeLogGroup.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { decodeLogGroupListJson } from '../protocol/logGroupJson.ts';
import { localEnv, localHandlers, stopLocalFlushers } from './localHandlers.ts';
import { localLambdaContext } from './localLambdaContext.ts';
import { printSummary, progress, type ReplayTotals } from './replayReport.ts';

/** Largest SQS message body: 256 KiB (the classic limit; base64 adds a third, so ~190 KiB of protobuf). */
const SQS_MAX_BODY_BYTES = 256 * 1024;
/** Largest Kinesis record data blob: 1 MiB. */
const KINESIS_MAX_DATA_BYTES = 1024 * 1024;

export interface ReplayArgs {
  input: string;
  source: 'sqs' | 'kinesis';
  batchSize: number;
  timeoutMs: number;
  retries: number;
}

/** Read LogGroupList protobuf, the JSON form, or JSON Lines (one JSON-form document or LogGroup per line). */
export async function readLogGroups(path: string): Promise<LogGroup[]> {
  const bytes = await readFile(path);
  const text = bytes.toString('utf8').trim();
  if (!text.startsWith('{')) return decodeLogGroupList(bytes);
  try {
    return decodeLogGroupListJson(text);
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        const value = JSON.parse(line);
        return decodeLogGroupListJson(Array.isArray(value?.groups) ? value : { groups: [value] });
      });
  }
}

/** Pack groups into records of at most `maxBytes` (protobuf, before base64); a larger single group stays alone. */
export function packRecords(groups: LogGroup[], maxBytes: number): Uint8Array[] {
  const records: Uint8Array[] = [];
  let pending: LogGroup[] = [];
  let size = 0;
  for (const group of groups) {
    const groupSize = encodeLogGroupList([group]).length;
    if (pending.length > 0 && size + groupSize > maxBytes) {
      records.push(encodeLogGroupList(pending));
      pending = [];
      size = 0;
    }
    pending.push(group);
    size += groupSize;
  }
  if (pending.length > 0) records.push(encodeLogGroupList(pending));
  return records;
}

/** `replay`: push a file through the real handler in batches, redelivering what it hands back. */
export async function replay(args: ReplayArgs): Promise<ReplayTotals> {
  const groups = await readLogGroups(args.input);
  const maxBytes =
    args.source === 'sqs' ? Math.floor((SQS_MAX_BODY_BYTES * 3) / 4) - 1024 : KINESIS_MAX_DATA_BYTES - 1024;
  const payloads = packRecords(groups, maxBytes);
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
  let done = 0;
  while (queue.length > 0) {
    const batch = queue.splice(0, args.batchSize);
    const failed = new Set(await invokeBatch(handlers, args, batch));
    const acked = batch.filter((r) => !failed.has(r.id));
    done += acked.length;
    totals.acked += acked.length;
    const again = batch.filter((r) => failed.has(r.id) && ++r.attempts <= args.retries);
    totals.retried += batch.length - acked.length;
    queue.unshift(...again);
    progress(done, payloads.length, totals.bytes, performance.now() - started);
  }
  totals.elapsedMs = performance.now() - started;
  totals.quarantined = handlers.stats.quarantined;
  await stopLocalFlushers();
  printSummary(totals);
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
