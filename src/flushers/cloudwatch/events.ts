import type { Log, LogGroup } from '../../protocol/LogGroup.ts';
import { logLineFormatter } from '../../protocol/logLine.ts';
import type { SizedEvent } from './batcher.ts';
import type { NameTemplate, TemplateValues } from './nameTemplate.ts';

/** One CloudWatch Logs event, with where it came from in the flush. */
export interface CwlEvent extends SizedEvent {
  readonly message: string;
  /** Index of its LogGroup in the flush (`recordIds[groupIndex]` is its source record). */
  readonly groupIndex: number;
  /** Index of its Log inside that group. */
  readonly logIndex: number;
}

/** The events of one flush bound for one log stream. */
export interface StreamEvents {
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly events: CwlEvent[];
}

/** Where a flush's data goes and how its messages are made. */
export interface EventRouting {
  readonly project: string;
  readonly logstore: string;
  readonly configName: string;
  readonly logGroup: NameTemplate;
  readonly logStream: NameTemplate;
  readonly messageKey?: string | undefined;
}

/** A log's time in ms: `time` seconds plus whole milliseconds of `timeNs` (absent = 0). */
export function eventTimestampMs(log: Log): number {
  return log.time * 1000 + Math.floor((log.timeNs ?? 0) / 1_000_000);
}

/**
 * Turn a flush's LogGroups into CloudWatch events, grouped by destination stream (insertion
 * order kept). The message is the shared JSON log line, or, with `messageKey`, that content's
 * value (the last one when the key repeats, as in the line); a log without that key, or with an
 * empty value (CloudWatch refuses empty messages), falls back to the line.
 */
export function buildStreamEvents(logGroups: readonly LogGroup[], routing: EventRouting): StreamEvents[] {
  const streams = new Map<string, StreamEvents>();
  const destination = (values: TemplateValues, timestamp: number): StreamEvents => {
    const logGroupName = routing.logGroup.render(values, timestamp);
    const logStreamName = routing.logStream.render(values, timestamp);
    const key = `${logGroupName}\n${logStreamName}`;
    let stream = streams.get(key);
    if (stream === undefined) {
      stream = { logGroupName, logStreamName, events: [] };
      streams.set(key, stream);
    }
    return stream;
  };
  const perEventNames = routing.logGroup.usesDate || routing.logStream.usesDate;
  logGroups.forEach((group, groupIndex) => {
    if (group.logs.length === 0) return;
    const values: TemplateValues = {
      project: routing.project,
      logstore: routing.logstore,
      configName: routing.configName,
      source: group.source,
      topic: group.topic,
    };
    const format = logLineFormatter(group, routing.project, routing.logstore);
    let target: StreamEvents | undefined;
    group.logs.forEach((log, logIndex) => {
      const timestamp = eventTimestampMs(log);
      if (target === undefined || perEventNames) target = destination(values, timestamp);
      const message = rawMessage(log, routing.messageKey) ?? format(log);
      target.events.push({ timestamp, message, bytes: Buffer.byteLength(message), groupIndex, logIndex });
    });
  });
  return [...streams.values()];
}

function rawMessage(log: Log, key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  let value: string | undefined;
  for (const content of log.contents) if (content.key === key) value = content.value;
  return value === '' ? undefined : value;
}
