/**
 * CloudWatch Logs benchmark (issue 7, item 4): a Kinesis batch mixing ~1 KB web-access logs with
 * near-1 MB events through `createKinesisHandler` and the CloudWatch Logs flusher, against the
 * loopback CloudWatch Logs endpoint (test fixture enforcing the documented PutLogEvents rules) in
 * its own process. Reports the PutLogEvents calls made against the fewest possible for the sorted
 * events of each stream (computed independently by dynamic programming), and events/s.
 *
 * Run through the runner: `npm run bench -- --only cloudwatch` (add `--quick` for a smoke run).
 */
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { localLambdaContext } from '../src/cli/localLambdaContext.ts';
import { packBatches } from '../src/flushers/cloudwatch/batcher.ts';
import { cloudWatchConfigFromEnv } from '../src/flushers/cloudwatch/config.ts';
import {
  createCloudWatchLogsClient,
  createCloudWatchLogsFlusher,
} from '../src/flushers/cloudwatch/createCloudWatchLogsFlusher.ts';
import { buildStreamEvents } from '../src/flushers/cloudwatch/events.ts';
import { MAX_EVENT_MESSAGE_BYTES } from '../src/flushers/cloudwatch/limits.ts';
import type { QuarantineSink } from '../src/quarantine/QuarantineSink.ts';
import { createKinesisHandler } from '../src/runtime/handlers.ts';
import { startChildServer } from './lib/childServer.ts';
import { cloudWatchBatch } from './lib/cloudwatchBatch.ts';
import { cpuMetered } from './lib/cpuTime.ts';
import { describeBatch, withFreshSequenceNumbers } from './lib/kinesisBatch.ts';
import { minimumSortedRequests, requestLowerBound } from './lib/minimumRequests.ts';
import {
  commandWithBody,
  type PutLogEventsRequest,
  putLogEventsBody,
  stubCloudWatchLogsClient,
} from './lib/putLogEventsBody.ts';
import { benchArgs, progress, report } from './lib/result.ts';
import { mbPerSecond, median, round, timeRoundsAsync } from './lib/timing.ts';

/**
 * Issue 15: a PutLogEvents body written by our code replaces the SDK's serializer only if it makes
 * the SDK's work per request at least this much faster (round-by-round median).
 */
const CLEAR_WIN = 1.2;
const PROJECT = 'shop';
const LOGSTORE = 'app';
/** The service's and the flusher's clock: one hour after the first log, so every event is in the window. */
const NOW_MS = 1_700_000_000_000 + 3_600_000;

const { quick } = benchArgs();
const timing = quick ? { warmup: 1, runs: 2 } : { warmup: 2, runs: 11 };
const batch = cloudWatchBatch({
  seed: 0xc1_0d,
  ...(quick
    ? { records: 2, groupsPerRecord: 2, logsPerGroup: 3, bigLineBytes: [MAX_EVENT_MESSAGE_BYTES, 600_000] }
    : {
        records: 12,
        groupsPerRecord: 4,
        logsPerGroup: 24,
        // The largest message PutLogEvents accepts, and two more near 1 MB.
        bigLineBytes: [MAX_EVENT_MESSAGE_BYTES, 1_040_000, 990_000],
      }),
  project: PROJECT,
  logstore: LOGSTORE,
});
const config = cloudWatchConfigFromEnv({});
const streams = buildStreamEvents(batch.logGroups, {
  project: PROJECT,
  logstore: LOGSTORE,
  configName: '',
  logGroup: config.logGroup,
  logStream: config.logStream,
});
const events = streams.reduce((n, s) => n + s.events.length, 0);
const messageBytes = streams.reduce((n, s) => n + s.events.reduce((b, e) => b + e.bytes, 0), 0);
const minimum = streams.reduce((n, s) => n + minimumSortedRequests(s.events), 0);
const lowerBound = streams.reduce((n, s) => n + requestLowerBound(s.events), 0);
const bigSizes = streams
  .flatMap((s) => s.events.filter((e) => e.bytes > 100_000).map((e) => e.bytes))
  .sort((a, b) => b - a);
const bigEvents = bigSizes.length;
progress(
  `cloudwatch: ${describeBatch(batch)}; ${events} events (${bigEvents} near 1 MB), ${(messageBytes / 1e6).toFixed(2)} MB of messages in ${streams.length} streams; fewest requests ${minimum}`,
);

const endpoint = await startChildServer<{ url: string }>(
  fileURLToPath(new URL('./lib/cwlEndpointChild.ts', import.meta.url)),
  [String(NOW_MS)],
);
try {
  const client = createCloudWatchLogsClient(config, {
    endpoint: endpoint.info.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  // Every event is valid: anything reaching the quarantine is a failure of the benchmark.
  const quarantine: QuarantineSink = {
    description: () => 'none (benchmark)',
    put: async (entry) => {
      throw new Error(`unexpected quarantine: ${entry.reason}: ${entry.detail}`);
    },
  };
  const handler = createKinesisHandler({
    flusher: () => createCloudWatchLogsFlusher(config, { client, now: () => NOW_MS }),
    quarantine,
    project: PROJECT,
    logstore: LOGSTORE,
    shutdownHook: false,
    logger: new Logger({ serviceName: 'bench', logLevel: 'WARN' }),
  });
  let eventCopies = 0;
  const invoke = async () => {
    const event = withFreshSequenceNumbers(batch.event, ++eventCopies);
    const response = await handler(event, localLambdaContext(60_000, 'bench-cloudwatch'));
    if (response.batchItemFailures.length > 0) {
      throw new Error(`handler reported failures: ${JSON.stringify(response.batchItemFailures)}`);
    }
    return events;
  };

  // First invocation: creates the groups and streams; then check calls and stored events.
  await invoke();
  const firstCalls = await endpoint.command<Record<string, number>>('calls');
  const stored = await endpoint.command<{ events: number; bytes: number }>('stored');
  if (stored.events !== events || stored.bytes !== messageBytes) {
    throw new Error(
      `endpoint stored ${stored.events} events / ${stored.bytes} B, expected ${events} / ${messageBytes}`,
    );
  }
  const calls = firstCalls.PutLogEvents ?? 0;
  await endpoint.command('reset');
  progress(
    `cloudwatch: first invocation: ${calls} PutLogEvents (fewest possible ${minimum}), ${firstCalls.CreateLogStream ?? 0} CreateLogStream, ${firstCalls.CreateLogGroup ?? 0} CreateLogGroup; all ${events} events stored`,
  );

  // The requests the flusher sends for this batch (all its events are in the time window), for
  // the SDK's serializer against a body written by our code and against JSON.stringify alone.
  const requests: PutLogEventsRequest[] = streams.flatMap((stream) =>
    packBatches(stream.events).map((batch) => ({
      logGroupName: stream.logGroupName,
      logStreamName: stream.logStreamName,
      logEvents: batch.events.map(({ timestamp, message }) => ({ timestamp, message })),
    })),
  );
  const stub = stubCloudWatchLogsClient();
  for (const request of requests) {
    await stub.client.send(new PutLogEventsCommand(request));
    if (!Buffer.from(stub.lastBody() as Uint8Array).equals(putLogEventsBody(request))) {
      throw new Error(
        `our body differs from the SDK's for ${request.logGroupName} / ${request.logStreamName}`,
      );
    }
  }
  const serializers = [
    {
      name: 'sdk',
      run: async () => {
        for (const request of requests) await stub.client.send(new PutLogEventsCommand(request));
        return events;
      },
    },
    {
      name: 'ours',
      run: async () => {
        for (const request of requests)
          await stub.client.send(commandWithBody(request, putLogEventsBody(request)));
        return events;
      },
    },
    {
      name: 'floor',
      run: async () => {
        for (const request of requests) JSON.stringify(request);
        return events;
      },
    },
  ];

  progress(`cloudwatch: ${timing.warmup} warm-up + ${timing.runs} timed rounds (invocation, serializers)`);
  const metered = cpuMetered([{ name: 'handler', run: invoke }, ...serializers]);
  const times = await timeRoundsAsync(metered.variants, { ...timing, expect: events });
  metered.close();
  stub.client.destroy();
  const cpu = (name: string) => median(metered.cpuMs.get(name)!.slice(timing.warmup));
  const warmCalls = await endpoint.command<Record<string, number>>('calls');
  const invocations = timing.warmup + timing.runs;
  const callsPerWarmRun = (warmCalls.PutLogEvents ?? 0) / invocations;
  const otherWarmCalls = Object.entries(warmCalls).filter(([operation]) => operation !== 'PutLogEvents');
  const ms = (name: string) => median(times.get(name)!);
  const perRound = (a: string, b: string) => median(times.get(a)!.map((t, i) => t / times.get(b)![i]!));
  const bodySpeedUp = perRound('sdk', 'ours');
  const timingColumns = (name: string) => [
    round(ms(name)),
    `${round(Math.min(...times.get(name)!))}–${round(Math.max(...times.get(name)!))}`,
    round(cpu(name)),
    round(events / (ms(name) / 1000) / 1000),
    round(mbPerSecond(messageBytes, ms(name))),
    `${perRound(name, 'floor').toFixed(2)}×`,
  ];

  report({
    name: 'cloudwatch',
    input: `${describeBatch(batch)}. ${events} events in ${streams.length} streams (one per host); ${bigEvents} near-1 MB events of ${bigSizes.map((n) => n.toLocaleString('en-US')).join(', ')} bytes (the first is the largest message PutLogEvents accepts) among ~1 KB ones; ${(messageBytes / 1e6).toFixed(2)} MB of messages. Loopback CloudWatch Logs endpoint in its own process; warm invocations (streams exist), median of ${timing.runs} after ${timing.warmup} warm-up.`,
    columns: [
      'variant',
      'PutLogEvents calls',
      'fewest possible (sorted events)',
      'bound for any packing',
      'ms',
      'min–max ms',
      'CPU ms',
      'k events/s',
      'MB/s of messages',
      '× JSON.stringify floor',
    ],
    rows: [
      [
        'the handler, end to end (`createKinesisHandler` + CloudWatch Logs flusher)',
        callsPerWarmRun === calls ? calls : `${calls} (warm: ${callsPerWarmRun})`,
        minimum,
        lowerBound,
        ...timingColumns('handler'),
      ],
      [
        `the SDK's serializer: these ${requests.length} requests sent through the client to a stub (serialize, sign, parse the answer; no I/O)`,
        requests.length,
        '–',
        '–',
        ...timingColumns('sdk'),
      ],
      [
        'our body (`JSON.stringify`, UTF-8) swapped in after the SDK serializes the request without events; the same client',
        requests.length,
        '–',
        '–',
        ...timingColumns('ours'),
      ],
      ['floor: `JSON.stringify` of the same request bodies', '–', '–', '–', ...timingColumns('floor')],
    ],
    notes: [
      ...(quick
        ? [
            'Quick run (tiny input, few runs): checks that the benchmark runs and every event is stored; no figure here is a measurement.',
          ]
        : []),
      `Calls vs the fewest possible for the sorted events: **${calls === minimum && callsPerWarmRun === minimum ? 'equal' : 'NOT equal'}** (target: equal); every warm invocation made ${callsPerWarmRun} PutLogEvents${otherWarmCalls.length > 0 ? ` and ${otherWarmCalls.map(([op, n]) => `${n} ${op}`).join(', ')}` : ' and no other call'}.`,
      `PutLogEvents body written by our code vs the SDK's serializer, through the same client: the SDK's takes **${bodySpeedUp.toFixed(2)}×** the time of ours (round-by-round median; both bodies byte-identical, checked for every request). Rule (issue 15): keep ours only for a clear win, ≥ ${CLEAR_WIN}×: ${bodySpeedUp >= CLEAR_WIN ? '**keep**' : '**not kept**: the flusher sends through the SDK as it is'}.`,
      `The handler end to end takes ${perRound('handler', 'floor').toFixed(2)}× the time of \`JSON.stringify\` of its request bodies (the least any PutLogEvents sender does): ${round(events / (ms('handler') / 1000) / 1000)} k events/s, ${round(mbPerSecond(messageBytes, ms('handler')))} MB/s of messages.`,
      `"Fewest possible" is per stream: the fewest contiguous runs of the time-sorted events that each fit one request (≤ 10,000 events, ≤ 1,048,576 bytes counting 26 per event, < 24 h), by dynamic programming over every cut. The endpoint accepted every request and stored all ${events} events. "Bound for any packing" (Σ bytes ÷ 1 MiB per stream) ignores time order and the 24 h span: requests need only be sorted inside, so a packer free to mix events of different times could in principle come closer to it; the flusher's packer keeps time order, which the target is about.`,
    ],
    data: {
      events,
      bigEvents,
      messageBytes,
      streams: streams.length,
      calls,
      callsPerWarmRun,
      minimum,
      lowerBound,
      firstCalls,
      requests: requests.length,
      bodySpeedUp,
      timesMs: Object.fromEntries(times),
      cpuMs: Object.fromEntries(metered.cpuMs),
    },
    profileStages: ['decodeBatch', 'buildStreamEvents', 'packBatches', 'put', 'send'],
  });
  client.destroy();
} finally {
  await endpoint.close();
}
