import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { logLineFormatter } from '../../src/protocol/logLine.ts';
import { type KinesisBatch, kinesisEvent } from './kinesisBatch.ts';
import { countLogs, webAccessLogGroups } from './webAccessLogs.ts';

/** The CloudWatch Logs benchmark's batch: web-access logs with a few near-1 MB events among them. */
export interface CloudWatchBatchOptions {
  seed: number;
  /** Small logs: `records` records of `groupsPerRecord` LogGroups of `logsPerGroup` web-access logs. */
  records: number;
  groupsPerRecord: number;
  logsPerGroup: number;
  /** One record per entry: a LogGroup holding one log whose JSON line is exactly this many bytes. */
  bigLineBytes: readonly number[];
  project: string;
  logstore: string;
}

export interface CloudWatchBatch extends KinesisBatch {
  /** The LogGroups in record order: what the flusher gets. */
  readonly logGroups: LogGroup[];
}

/**
 * Build the batch deterministically. Each big log copies the meta and tags of a small group (so it
 * lands in that host's stream, between its small events in time) and carries an ASCII `payload`
 * content sized so that its JSON line, the CloudWatch message, has exactly the wanted byte count.
 * Big records are spread evenly among the small ones.
 */
export function cloudWatchBatch(options: CloudWatchBatchOptions): CloudWatchBatch {
  const small = webAccessLogGroups({
    seed: options.seed,
    groups: options.records * options.groupsPerRecord,
    logsPerGroup: options.logsPerGroup,
  });
  const lists: LogGroup[][] = [];
  for (let i = 0; i < options.records; i++) {
    lists.push(small.slice(i * options.groupsPerRecord, (i + 1) * options.groupsPerRecord));
  }
  options.bigLineBytes.forEach((bytes, i) => {
    const at = Math.floor(((i + 1) * lists.length) / (options.bigLineBytes.length + 1));
    const host = small[(at * options.groupsPerRecord) % small.length]!;
    lists.splice(at + i, 0, [bigGroup(host, bytes, options.project, options.logstore)]);
  });
  const logGroups = lists.flat();
  return {
    ...kinesisEvent(lists.map((list) => encodeLogGroupList(list))),
    groups: logGroups.length,
    logs: countLogs(logGroups),
    logGroups,
  };
}

function bigGroup(host: LogGroup, lineBytes: number, project: string, logstore: string): LogGroup {
  const template = host.logs[0]!;
  const log = {
    time: template.time,
    timeNs: 500_000_000,
    contents: [
      { key: 'level', value: 'ERROR' },
      { key: 'logger', value: 'com.example.shop.CheckoutController' },
      { key: 'payload', value: '' },
    ],
  };
  const group: LogGroup = { ...host, logs: [log] };
  const baseBytes = Buffer.byteLength(logLineFormatter(group, project, logstore)(log));
  if (lineBytes < baseBytes) throw new Error(`a big line must be at least ${baseBytes} bytes`);
  // A dump-like payload: printable ASCII lines, so the JSON line is exactly `lineBytes` long.
  const pattern = 'at com.example.shop.checkout.PaymentStep.authorize(PaymentStep.java:214) ';
  log.contents[2]!.value = pattern
    .repeat(Math.ceil(lineBytes / pattern.length))
    .slice(0, lineBytes - baseBytes);
  return group;
}
