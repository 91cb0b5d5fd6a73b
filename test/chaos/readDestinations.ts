import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { runWorkers } from '../../src/shared/runWorkers.ts';
import type { LogsService } from '../fixtures/cwl/logsService.ts';
import type { S3TestEnvironment } from '../fixtures/s3/s3TestEnvironment.ts';

/** One log found at a destination, by the fields the run planted. */
export interface StoredLog {
  /** `chaos_id` content, or `id` for CloudWatch subscription input. */
  readonly id: string | undefined;
  /** `msg` content, or `message` for CloudWatch subscription input. */
  readonly msg: string | undefined;
}

/** One quarantine entry found at a destination, reassembled from its parts. */
export interface StoredQuarantineEntry {
  readonly reason: string;
  readonly detail: string;
  readonly source: string;
  readonly recordId: string;
  /** The pipeline flusher whose destination refused the entry's logs (absent for poison records). */
  readonly flusher: string | undefined;
  readonly payload: Buffer;
}

/** Everything one lane's destination holds. */
export interface DestinationContents {
  readonly logs: StoredLog[];
  /** Objects (S3) or events (CloudWatch Logs) holding logs. */
  readonly units: number;
  /** S3: objects whose uncompressed body is byte-identical to another object's. */
  readonly duplicateObjects: number | undefined;
  readonly quarantine: StoredQuarantineEntry[];
  /** Quarantine entries (or entry parts) stored more than once. */
  readonly duplicateQuarantine: number;
}

const READ_CONCURRENCY = 16;

/** Attempts at reading one object back before the run fails. */
const READ_ATTEMPTS = 5;

/**
 * s3rver answers 500 when a read meets a write it has not finished (an object file without its
 * metadata yet): retry a few times, then fail naming what could not be read.
 */
async function withRetries<T>(what: string, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= READ_ATTEMPTS) {
        throw new Error(`cannot read back ${what}: ${(error as Error).name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await sleep(200 * attempt);
    }
  }
}

/** What `prefix` holds in the S3 bucket, read straight from s3rver (never through the faulty proxy). */
export async function readS3Lane(s3: S3TestEnvironment, prefix: string): Promise<DestinationContents> {
  const keys = await withRetries(`the keys under ${prefix}`, () => s3.keys(prefix));
  const quarantinePrefix = `${prefix}_quarantine/`;
  const logs: StoredLog[] = [];
  const quarantine: StoredQuarantineEntry[] = [];
  const bodies = new Map<string, number>();
  await runWorkers(keys, READ_CONCURRENCY, new AbortController().signal, async (key) => {
    const object = await withRetries(key, () => s3.read(key));
    if (key.startsWith(quarantinePrefix)) {
      const document = JSON.parse(object.body.toString('utf8')) as Record<string, string>;
      quarantine.push({
        reason: document.reason!,
        detail: document.detail!,
        source: document.source!,
        recordId: document.recordId!,
        flusher: document.flusher,
        payload: Buffer.from(document.payloadBase64!, 'base64'),
      });
      return;
    }
    const digest = createHash('sha256').update(object.body).digest('hex');
    bodies.set(digest, (bodies.get(digest) ?? 0) + 1);
    logs.push(...parseLogLines(object.body.toString('utf8')));
  });
  const objects = [...bodies.values()].reduce((sum, n) => sum + n, 0);
  return {
    logs,
    units: objects,
    duplicateObjects: objects - bodies.size,
    quarantine,
    duplicateQuarantine: 0, // keyed by record, reason and payload digest: a second write is refused (412)
  };
}

/**
 * What the CloudWatch Logs service holds for a lane: every stream of every log group under
 * `groupPrefix`, and the lane's quarantine stream (parts reassembled; parts stored twice counted).
 */
export function readCloudWatchLane(
  service: LogsService,
  groupPrefix: string,
  quarantine: { readonly group: string; readonly stream: string },
): DestinationContents {
  const logs: StoredLog[] = [];
  let units = 0;
  for (const [groupName, group] of service.groups) {
    if (!groupName.startsWith(groupPrefix)) continue;
    for (const streamName of group.streams.keys()) {
      for (const event of service.events(groupName, streamName) ?? []) {
        units++;
        logs.push(...parseLogLines(event.message));
      }
    }
  }
  const parts = new Map<string, { document: Record<string, string | number>; parts: Map<number, string> }>();
  let duplicateQuarantine = 0;
  for (const event of service.events(quarantine.group, quarantine.stream) ?? []) {
    const document = JSON.parse(event.message) as Record<string, string | number>;
    const key = [
      document.source,
      document.recordId,
      document.reason,
      document.flusher,
      document.payloadSha256,
    ].join('\n');
    const entry = parts.get(key) ?? { document, parts: new Map<number, string>() };
    if (entry.parts.has(Number(document.part))) duplicateQuarantine++;
    entry.parts.set(Number(document.part), String(document.payloadBase64));
    parts.set(key, entry);
  }
  const entries = [...parts.values()].map(({ document, parts: pieces }) => ({
    reason: String(document.reason),
    detail: String(document.detail),
    source: String(document.source),
    recordId: String(document.recordId),
    flusher: document.flusher === undefined ? undefined : String(document.flusher),
    payload: Buffer.concat(
      [...pieces.entries()].sort(([a], [b]) => a - b).map(([, base64]) => Buffer.from(base64, 'base64')),
    ),
  }));
  return { logs, units, duplicateObjects: undefined, quarantine: entries, duplicateQuarantine };
}

/** The logs of JSON Lines in the shared log line shape. */
export function parseLogLines(text: string): StoredLog[] {
  const logs: StoredLog[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const contents = (JSON.parse(line) as { contents?: Record<string, string> }).contents ?? {};
    logs.push({ id: contents.chaos_id ?? contents.id, msg: contents.msg ?? contents.message });
  }
  return logs;
}
