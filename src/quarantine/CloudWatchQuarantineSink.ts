import { createHash } from 'node:crypto';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FlushError } from '../errors.ts';
import type { FlusherLogger, FlusherMetrics } from '../flusher/Flusher.ts';
import { packBatches } from '../flushers/cloudwatch/batcher.ts';
import { batchKey } from '../flushers/cloudwatch/batchKey.ts';
import { CloudWatchLogsWriter } from '../flushers/cloudwatch/CloudWatchLogsWriter.ts';
import type { CloudWatchQuarantineConfig } from '../flushers/cloudwatch/config.ts';
import { createCloudWatchLogsClient } from '../flushers/cloudwatch/createCloudWatchLogsFlusher.ts';
import { MAX_EVENT_MESSAGE_BYTES } from '../flushers/cloudwatch/limits.ts';
import { processResourceCache, type ResourceCache } from '../flushers/cloudwatch/ResourceCache.ts';
import { bufferView } from '../shared/bufferView.ts';
import { DurableKeys } from '../shared/DurableKeys.ts';
import type { QuarantineEntry, QuarantineSink } from './QuarantineSink.ts';

/** Longest `detail` kept in a quarantine event, in characters; longer ones are cut with a marker. */
export const MAX_QUARANTINE_DETAIL_CHARS = 4_096;
// Room kept in each event for the digits of `part` / `parts` and JSON punctuation.
const PART_FIELDS_RESERVE = 64;

/** One quarantine event's message, parsed. */
export interface QuarantineEventMessage {
  readonly reason: string;
  readonly detail: string;
  readonly source: string;
  readonly recordId: string;
  /** The pipeline flusher whose destination refused it, when one did. */
  readonly flusher?: string;
  /** 1-based part number; the payload is the concatenation of all parts' bytes, in order. */
  readonly part: number;
  readonly parts: number;
  /** SHA-256 (hex) of the whole payload: checks a reassembly and spots a record quarantined twice. */
  readonly payloadSha256: string;
  readonly payloadBase64: string;
}

/** What the sink is built with besides its configuration. */
export interface CloudWatchQuarantineSinkDeps {
  readonly client: CloudWatchLogsClient;
  readonly cache?: ResourceCache;
  readonly now?: () => number;
  readonly logger?: FlusherLogger;
  readonly metrics?: FlusherMetrics;
  /** The parts known stored. Default: this sink's own memory (one sink serves an environment). */
  readonly storedParts?: DurableKeys;
}

/**
 * A durable quarantine in CloudWatch Logs, so `FLUSHER=cloudwatch-logs` deployments need no S3
 * bucket: each entry becomes one or more JSON events (`reason`, `detail`, `source`, `recordId`,
 * `part`, `parts`, `payloadSha256`, `payloadBase64`) in a fixed log group and stream, split into
 * parts when the payload does not fit one event. `put` resolves only when every part is stored.
 *
 * @example
 * ```ts
 * const sink = new CloudWatchQuarantineSink(cloudWatchQuarantineConfigFromEnv(), { client });
 * await sink.put({ reason: 'malformed', detail: 'bad varint', source: 'sqs', recordId: 'm1', payload });
 * ```
 */
export class CloudWatchQuarantineSink implements QuarantineSink {
  readonly #config: CloudWatchQuarantineConfig;
  readonly #writer: CloudWatchLogsWriter;
  readonly #now: () => number;
  readonly #storedParts: DurableKeys;

  constructor(config: CloudWatchQuarantineConfig, deps: CloudWatchQuarantineSinkDeps) {
    this.#config = config;
    this.#now = deps.now ?? Date.now;
    this.#storedParts = deps.storedParts ?? new DurableKeys();
    this.#writer = new CloudWatchLogsWriter({
      client: deps.client,
      create: config.create,
      retentionDays: config.retentionDays,
      kmsKeyId: config.kmsKeyId,
      cache: deps.cache ?? processResourceCache,
      backoff: config.backoff,
      logger: deps.logger,
      metrics: deps.metrics,
    });
  }

  description(): string {
    return `cloudwatch-logs quarantine: ${this.#config.logGroupName} / ${this.#config.logStreamName}`;
  }

  async put(entry: QuarantineEntry, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const { logGroupName, logStreamName } = this.#config;
    const timestamp = this.#now();
    const events = quarantineMessages(entry).map((message) => ({
      timestamp,
      message,
      bytes: Buffer.byteLength(message),
    }));
    for (const batch of packBatches(events)) {
      // Parts stored by an earlier attempt are not sent again (the timestamp is not part of the key).
      const key = batchKey(
        logGroupName,
        logStreamName,
        batch.events.map((e) => e.message),
      );
      if (this.#storedParts.has(key)) continue;
      const logEvents = batch.events.map((e) => ({ timestamp: e.timestamp, message: e.message }));
      const rejected = await this.#writer.put(logGroupName, logStreamName, logEvents, signal);
      if (rejected.length > 0) {
        throw new FlushError(
          `cloudwatch-logs quarantine: the service refused ${rejected.length} part(s) of record ${entry.recordId} ` +
            `(${rejected[0]!.kind}); check the clock`,
          true,
        );
      }
      this.#storedParts.add(key);
    }
  }
}

/**
 * The JSON messages for one entry: as many parts as the payload needs so that every message stays
 * within the event size limit (base64 grows the payload by 4/3).
 */
export function quarantineMessages(entry: QuarantineEntry): string[] {
  const detail =
    entry.detail.length > MAX_QUARANTINE_DETAIL_CHARS
      ? `${entry.detail.slice(0, MAX_QUARANTINE_DETAIL_CHARS)}… (detail cut at ${MAX_QUARANTINE_DETAIL_CHARS} characters)`
      : entry.detail;
  const payloadSha256 = createHash('sha256').update(entry.payload).digest('hex');
  const envelope = (part: number, parts: number, payloadBase64: string): string =>
    JSON.stringify({
      reason: entry.reason,
      detail,
      source: entry.source,
      recordId: entry.recordId,
      ...(entry.flusher === undefined ? {} : { flusher: entry.flusher }),
      part,
      parts,
      payloadSha256,
      payloadBase64,
    } satisfies QuarantineEventMessage);
  const fixedBytes = Buffer.byteLength(envelope(0, 0, '')) + PART_FIELDS_RESERVE;
  const rawPerPart = Math.floor((MAX_EVENT_MESSAGE_BYTES - fixedBytes) / 4) * 3;
  const payload = entry.payload;
  const parts = Math.max(1, Math.ceil(payload.length / rawPerPart));
  const messages: string[] = [];
  for (let part = 0; part < parts; part++) {
    const slice = payload.subarray(part * rawPerPart, (part + 1) * rawPerPart);
    messages.push(envelope(part + 1, parts, bufferView(slice).toString('base64')));
  }
  return messages;
}

/**
 * Build the CloudWatch Logs quarantine sink; pass the flusher's `client` to share its connections.
 *
 * @example
 * ```ts
 * const quarantine = createCloudWatchQuarantineSink(cloudWatchQuarantineConfigFromEnv(process.env));
 * ```
 */
export function createCloudWatchQuarantineSink(
  config: CloudWatchQuarantineConfig,
  options: Partial<CloudWatchQuarantineSinkDeps> = {},
): CloudWatchQuarantineSink {
  return new CloudWatchQuarantineSink(config, {
    ...options,
    client: options.client ?? createCloudWatchLogsClient(config),
  });
}
