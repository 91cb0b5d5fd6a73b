import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { encodeLogGroupListJson } from '../../src/protocol/logGroupJson.ts';
import type { QuarantineEntry, QuarantineSink } from '../../src/quarantine/QuarantineSink.ts';
import type { HandlerOptions } from '../../src/runtime/HandlerOptions.ts';
import { captureOutput, jsonLines } from './captureOutput.ts';
import { aLogGroup } from './logGroups.ts';
import { ScriptedFlusher } from './ScriptedFlusher.ts';

/** A quarantine sink in memory, optionally failing every write. */
export class MemoryQuarantine implements QuarantineSink {
  readonly entries: QuarantineEntry[] = [];
  failing = false;
  description(): string {
    return 'memory';
  }
  async put(entry: QuarantineEntry): Promise<void> {
    if (this.failing) throw new Error('quarantine unavailable');
    this.entries.push(entry);
  }
}

/** Run `action` and return the EMF blobs Powertools printed meanwhile (nothing reaches the terminal). */
export async function emittedMetrics(action: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const { output } = await captureOutput(action);
  return jsonLines(output).filter((line) => '_aws' in line);
}

/** Handler options around a scripted flusher factory, quiet logs and captured metrics. */
export function harness(
  script: ConstructorParameters<typeof ScriptedFlusher>[0] = {},
  overrides: Partial<HandlerOptions> = {},
) {
  const flushers: ScriptedFlusher[] = [];
  const { options, quarantine } = quietOptions({
    flusher: () => {
      const flusher = new ScriptedFlusher(script);
      flushers.push(flusher);
      return flusher;
    },
    ...overrides,
  });
  return { options, quarantine, flushers };
}

/** Handler options with a memory quarantine, fixed routing defaults, quiet logs and captured metrics. */
export function quietOptions(overrides: Partial<HandlerOptions>) {
  const quarantine = new MemoryQuarantine();
  const options: HandlerOptions = {
    quarantine,
    project: 'default-project',
    logstore: 'default-logstore',
    configName: 'default-config',
    shutdownHook: false,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test', serviceName: 'test' }),
    ...overrides,
  };
  return { options, quarantine };
}

/** JSON-form body of groups (SQS bodies are text). */
export function jsonBody(...groups: LogGroup[]): string {
  return encodeLogGroupListJson(groups.length ? groups : [aLogGroup()]);
}

/** Base64 protobuf body of groups. */
export function protobufBody(...groups: LogGroup[]): string {
  return Buffer.from(encodeLogGroupList(groups.length ? groups : [aLogGroup()])).toString('base64');
}

/** A group routed to a logstore through its tags. */
export function groupFor(
  logstore: string,
  logs: Array<Record<string, string>> = [{ msg: logstore }],
): LogGroup {
  return aLogGroup(logs, { logTags: [{ key: '__logstore__', value: logstore }] });
}
