import { type CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { CloudWatchLogsFlusher } from '../../../src/flushers/cloudwatch/CloudWatchLogsFlusher.ts';
import {
  type CloudWatchLogsConfig,
  cloudWatchConfigFromEnv,
} from '../../../src/flushers/cloudwatch/config.ts';
import {
  createCloudWatchLogsClient,
  createCloudWatchLogsFlusher,
} from '../../../src/flushers/cloudwatch/createCloudWatchLogsFlusher.ts';
import { ResourceCache } from '../../../src/flushers/cloudwatch/ResourceCache.ts';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import { DurableKeys } from '../../../src/shared/DurableKeys.ts';
import { CloudWatchLogsEndpoint } from '../../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { type FakeContext, fakeContext } from '../../helpers/fakeContext.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

/** aLogGroup() stamps its logs at 1_700_000_000 s; the tests' clocks sit an hour later. */
export const NOW = 1_700_000_000_000 + 3_600_000;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Where the default templates put project `shop`, logstore `nginx`, source `10.0.0.1`. */
export const GROUP = '/loggroup-flusher/shop/nginx';
export const STREAM = '10.0.0.1';

/** Dummy credentials and region: the loopback endpoint checks the signature's presence, not its value. */
export const DUMMY_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-secret' },
} as const;

/** The flusher's own client (no SDK retries, timeouts) pointed at the loopback endpoint. */
export function clientFor(endpoint: CloudWatchLogsEndpoint, requestTimeoutMs = 5_000): CloudWatchLogsClient {
  return createCloudWatchLogsClient({ requestTimeoutMs }, { endpoint: endpoint.url, ...DUMMY_AWS });
}

/** A configuration from these env values, with short backoff so retry tests stay fast. */
export function testConfig(env: Record<string, string> = {}): CloudWatchLogsConfig {
  const config = cloudWatchConfigFromEnv(env);
  return { ...config, backoff: { ...config.backoff, baseMs: 5, maxMs: 20 } };
}

/** Every event of a stream, read back through GetLogEvents (paginated), oldest first. */
export async function readEvents(
  client: CloudWatchLogsClient,
  logGroupName: string,
  logStreamName: string,
): Promise<Array<{ timestamp: number; message: string }>> {
  const events: Array<{ timestamp: number; message: string }> = [];
  let nextToken: string | undefined;
  for (;;) {
    const page = await client.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true, nextToken }),
    );
    for (const e of page.events ?? []) events.push({ timestamp: e.timestamp!, message: e.message! });
    if (page.nextForwardToken === nextToken || (page.events ?? []).length === 0) return events;
    nextToken = page.nextForwardToken;
  }
}

/** A group of logs with contents `{ n: <label> }` at the given ms timestamps. */
export function timedGroup(
  times: Array<[label: string, ms: number]>,
  overrides: Partial<LogGroup> = {},
): LogGroup {
  return {
    ...aLogGroup([]),
    logs: times.map(([label, ms]) => ({
      time: Math.floor(ms / 1000),
      timeNs: (ms % 1000) * 1_000_000,
      contents: [{ key: 'n', value: label }],
    })),
    ...overrides,
  };
}

/** The `n` content of each JSON log line message. */
export function labels(events: ReadonlyArray<{ message: string }>): string[] {
  return events.map((e) => (JSON.parse(e.message) as { contents: { n: string } }).contents.n);
}

/** What {@link useLoopbackFlusher} gives a test file. */
export interface LoopbackHarness {
  readonly endpoint: CloudWatchLogsEndpoint;
  readonly client: CloudWatchLogsClient;
  /** The context of the flusher started last. */
  readonly context: FakeContext;
  /** Make and init a flusher (stopped after the test) on the loopback endpoint, clock at NOW. */
  start(
    env?: Record<string, string>,
    options?: {
      cache?: ResourceCache;
      storedBatches?: DurableKeys;
      context?: FakeContext;
      config?: Partial<CloudWatchLogsConfig>;
      client?: CloudWatchLogsClient;
    },
  ): Promise<CloudWatchLogsFlusher>;
}

/** One loopback endpoint and client per test file, reset after each test. */
export function useLoopbackFlusher(): LoopbackHarness {
  let endpoint: CloudWatchLogsEndpoint | undefined;
  let client: CloudWatchLogsClient | undefined;
  let context: FakeContext | undefined;
  const flushers: CloudWatchLogsFlusher[] = [];
  beforeAll(async () => {
    endpoint = await CloudWatchLogsEndpoint.start({ now: () => NOW });
    client = clientFor(endpoint);
  });
  afterEach(async () => {
    for (const flusher of flushers.splice(0)) await flusher.stop();
    endpoint!.reset(() => NOW);
  });
  afterAll(async () => {
    client!.destroy();
    await endpoint!.close();
  });
  return {
    get endpoint() {
      return endpoint!;
    },
    get client() {
      return client!;
    },
    get context() {
      return context!;
    },
    async start(env = {}, options = {}) {
      const flusher = createCloudWatchLogsFlusher(
        { ...testConfig(env), ...options.config },
        {
          client: options.client ?? client!,
          cache: options.cache ?? new ResourceCache(),
          storedBatches: options.storedBatches ?? new DurableKeys(),
          now: () => NOW,
        },
      );
      flushers.push(flusher);
      context = options.context ?? fakeContext();
      await flusher.init(context);
      return flusher;
    },
  };
}

/** Nine labelled times that the 24 h span rule splits into three PutLogEvents requests of three. */
export function threeBatches(): Array<[string, number]> {
  const times: Array<[string, number]> = [];
  for (let i = 0; i < 9; i++) times.push([`e${i}`, NOW - 60 * HOUR + Math.floor(i / 3) * 25 * HOUR + i]);
  return times;
}
