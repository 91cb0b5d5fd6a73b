import { PoisonReason } from '../../errors.ts';
import type { FlusherMetrics } from '../../flusher/Flusher.ts';
import type { LogGroup } from '../../protocol/LogGroup.ts';
import { type LogLineFormatter, logLineFormatter } from '../../protocol/logLine.ts';
import type { QuarantineEntry } from '../../quarantine/QuarantineSink.ts';
import { RefusalKind } from './batcher.ts';
import type { CwlEvent } from './events.ts';

/** Who refused an event: our check before sending, or the service in `rejectedLogEventsInfo`. */
export const RefusalStage = { beforeSend: 'before-send', byService: 'by-service' } as const;
export type RefusalStage = (typeof RefusalStage)[keyof typeof RefusalStage];

/** An event CloudWatch Logs will not (or did not) store, with why and where it was going. */
export interface RefusedEvent {
  readonly event: CwlEvent;
  readonly kind: RefusalKind;
  readonly stage: RefusalStage;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** What the quarantine entries are built from: the flush's input. */
export interface RefusalSource {
  readonly logGroups: readonly LogGroup[];
  readonly recordIds?: readonly string[] | undefined;
  readonly project: string;
  readonly logstore: string;
}

/** The `source` of every quarantine entry this destination writes. */
export const QUARANTINE_SOURCE = 'cloudwatch-logs';
/** Record id used when the runtime passed none. */
export const UNKNOWN_RECORD_ID = 'unknown';

const KIND_TEXT: Record<RefusalKind, string> = {
  [RefusalKind.tooOld]: 'older than 14 days',
  [RefusalKind.expired]: "older than the log group's retention",
  [RefusalKind.tooNew]: 'more than 2 hours in the future',
  [RefusalKind.tooLarge]: 'message over the 1,048,550-byte event limit',
};

const KIND_METRIC: Record<RefusalKind, string> = {
  [RefusalKind.tooOld]: 'TooOld',
  [RefusalKind.expired]: 'Expired',
  [RefusalKind.tooNew]: 'TooNew',
  [RefusalKind.tooLarge]: 'TooLarge',
};

/**
 * Group refused events into quarantine entries: one per source record, refusal kind, stage and
 * stream. The payload is the refused logs as JSON Lines in the shared log line shape (the whole
 * log, even when CWL_MESSAGE_KEY sent only one value), so they can be replayed.
 */
export function refusedEventEntries(
  refused: readonly RefusedEvent[],
  source: RefusalSource,
): QuarantineEntry[] {
  const formatters = new Map<number, LogLineFormatter>();
  const lineOf = (event: CwlEvent): string => {
    let format = formatters.get(event.groupIndex);
    const group = source.logGroups[event.groupIndex]!;
    if (format === undefined) {
      format = logLineFormatter(group, source.project, source.logstore);
      formatters.set(event.groupIndex, format);
    }
    return format(group.logs[event.logIndex]!);
  };
  const buckets = new Map<string, { recordId: string; first: RefusedEvent; events: CwlEvent[] }>();
  for (const item of refused) {
    const recordId = source.recordIds?.[item.event.groupIndex] ?? UNKNOWN_RECORD_ID;
    const key = [recordId, item.kind, item.stage, item.logGroupName, item.logStreamName].join('\n');
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { recordId, first: item, events: [] };
      buckets.set(key, bucket);
    }
    bucket.events.push(item.event);
  }
  return [...buckets.values()].map(({ recordId, first, events }) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const { timestamp } of events) {
      min = Math.min(min, timestamp);
      max = Math.max(max, timestamp);
    }
    const who =
      first.stage === RefusalStage.beforeSend ? 'refused before sending' : 'rejected by the service';
    return {
      reason:
        first.kind === RefusalKind.tooLarge ? PoisonReason.tooLarge : PoisonReason.rejectedByDestination,
      detail:
        `cloudwatch-logs ${who}: ${events.length} event(s) for ${first.logGroupName} / ${first.logStreamName}, ` +
        `${KIND_TEXT[first.kind]} (timestamps ${min}..${max} ms)`,
      source: QUARANTINE_SOURCE,
      recordId,
      payload: Buffer.from(events.map((e) => `${lineOf(e)}\n`).join('')),
    };
  });
}

/** Count refused events per kind and stage: `CloudWatchLogsEventsRefused<Kind>` / `…Rejected<Kind>`. */
export function countRefusals(refused: readonly RefusedEvent[], metrics: FlusherMetrics): void {
  const counts = new Map<string, number>();
  for (const { kind, stage } of refused) {
    const name = `CloudWatchLogsEvents${stage === RefusalStage.beforeSend ? 'Refused' : 'Rejected'}${KIND_METRIC[kind]}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  for (const [name, count] of counts) metrics.addMetric(name, 'Count', count);
}
