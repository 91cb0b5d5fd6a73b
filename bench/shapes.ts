/**
 * Shape grid (issue 15): the S3 path (JSON Lines + gzip) on batches of many shapes — Kinesis
 * batches of 10 to 10,000 records, KPL aggregates, SQS batches of 10 and 10,000 messages, logs of
 * 200 B, 1 KB and 8 KB — each against the gzip floor of its own output and the naive Powertools +
 * protobufjs + PutObject-per-record function, timed in the same interleaved rounds.
 *
 * s3rver runs in a child process, as in bench/s3.ts. Run through the runner:
 * `npm run bench -- --only shapes` (add `--quick` for a smoke run). `BENCH_SHAPES=kinesis-10000,sqs-10000`
 * runs only these shapes; `BENCH_SHAPES_VARIANTS=ours` times only these variants (with the
 * runner's `--profile`: a profile of this project's path alone).
 */
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { localLambdaContext } from '../src/cli/localLambdaContext.ts';
import { LAMBDA_MAX_PAYLOAD_BYTES } from '../src/cli/recordLimits.ts';
import { s3Config } from '../src/flushers/s3/config.ts';
import { createS3Destination } from '../src/flushers/s3/createS3Destination.ts';
import { createKinesisHandler, createSqsHandler } from '../src/runtime/handlers.ts';
import { type BatchShape, describeShape, ShapeSource, shapeBatch } from './lib/batchShapes.ts';
import { bytesPathBody } from './lib/bytesPath.ts';
import { cpuMetered } from './lib/cpuTime.ts';
import { discardingFlusher } from './lib/discardingFlusher.ts';
import { withFreshSequenceNumbers } from './lib/kinesisBatch.ts';
import { naiveKinesisToS3Handler, naiveSqsToS3Handler } from './lib/naiveKinesisToS3.ts';
import { waitUntilIdle } from './lib/processIdle.ts';
import { benchArgs, progress, report } from './lib/result.ts';
import { listKeys, putObjects, readObject, readStoredObjects } from './lib/s3Objects.ts';
import { s3rverClient, s3rverClientConfig, startS3rverProcess } from './lib/s3rverProcess.ts';
import { shapeParts } from './lib/shapeParts.ts';
import { LogSize } from './lib/sizedLogs.ts';
import { withFreshMessageIds } from './lib/sqsBatch.ts';
import { median, round, timeRoundsAsync } from './lib/timing.ts';

/**
 * Issue 15 targets: every shape within 1.5× its gzip floor; ≥ 5× the naive function on the shapes
 * with many records (≥ 1,000 event records: the naive function's unit of work is one record).
 */
const TARGET = { floorRatio: 1.5, speedUp: 5, manyRecords: 1000 } as const;
/** The S3 flusher's gzip level: zlib's default (6). */
const GZIP_LEVEL = zlibConstants.Z_DEFAULT_COMPRESSION;
/**
 * Wall time the naive function may take per shape once its first (checked) run is done: a shape
 * whose naive run takes longer is timed in fewer rounds, and one that would get fewer than
 * {@link MIN_NAIVE_RUNS} keeps its first run as its only sample (the 1,000- and 10,000-record
 * shapes: a PutObject per record), so `npm run bench` stays within 3 minutes.
 */
const NAIVE_BUDGET_MS = 3_000;
const MIN_NAIVE_RUNS = 2;
const BUCKET = 'bench';
/** The floor timed again in the parts' rounds, which "build ÷ floor" and "parts ÷ floor" use. */
const PARTS_FLOOR = 'partsFloor';
/** The object built and stored straight from the records' bytes (bench/lib/bytesPath.ts), in the parts' rounds. */
const BYTES_PATH = 'bytesPath';
/** Longest wait for s3rver to go idle before a run. */
const SETTLE_MAX_MS = 3_000;
/** The handler with a flusher that stores nothing, timed in the parts' rounds ("runtime ÷ floor"). */
const RUNTIME = 'runtime';
const PROJECT = 'shop';
const LOGSTORE = 'nginx-access';

/**
 * The grid: every dimension of issue 15 at its extremes, the others near the typical batch (about
 * 6 MB of record data, 1 KB logs), rather than the full cross product.
 */
const SHAPES: readonly BatchShape[] = [
  // Records per batch: 10 … 10,000 (10,000 records of 6 MB hold one small log each).
  {
    name: 'kinesis-10',
    source: ShapeSource.kinesis,
    records: 10,
    groupsPerPayload: 6,
    logsPerGroup: 76,
    logBytes: LogSize.typical,
  },
  {
    name: 'kinesis-100',
    source: ShapeSource.kinesis,
    records: 100,
    groupsPerPayload: 2,
    logsPerGroup: 22,
    logBytes: LogSize.typical,
  },
  {
    name: 'kinesis-1000',
    source: ShapeSource.kinesis,
    records: 1000,
    groupsPerPayload: 1,
    logsPerGroup: 4,
    logBytes: LogSize.typical,
  },
  {
    name: 'kinesis-10000',
    source: ShapeSource.kinesis,
    records: 10_000,
    groupsPerPayload: 1,
    logsPerGroup: 1,
    logBytes: LogSize.small,
  },
  // Log size at a fixed record count: many small logs, few large ones.
  {
    name: 'kinesis-100-small',
    source: ShapeSource.kinesis,
    records: 100,
    groupsPerPayload: 1,
    logsPerGroup: 220,
    logBytes: LogSize.small,
  },
  {
    name: 'kinesis-100-large',
    source: ShapeSource.kinesis,
    records: 100,
    groupsPerPayload: 1,
    logsPerGroup: 5,
    logBytes: LogSize.large,
  },
  // KPL: aggregates of ~45 KB (the KPL's default AggregationMaxSize is 51,200 B), one log per user record.
  {
    name: 'kpl',
    source: ShapeSource.kpl,
    records: 100,
    userRecords: 36,
    groupsPerPayload: 1,
    logsPerGroup: 1,
    logBytes: LogSize.typical,
  },
  // SQS: 10 messages of ~250 KB (the message size limit), 10,000 of ~600 B (a batching window).
  {
    name: 'sqs-10',
    source: ShapeSource.sqs,
    records: 10,
    groupsPerPayload: 4,
    logsPerGroup: 46,
    logBytes: LogSize.typical,
  },
  {
    name: 'sqs-10000',
    source: ShapeSource.sqs,
    records: 10_000,
    groupsPerPayload: 1,
    logsPerGroup: 1,
    logBytes: LogSize.small,
  },
];

const { quick } = benchArgs();
const onlyShapes = process.env.BENCH_SHAPES?.split(',').filter(Boolean);
const onlyVariants = process.env.BENCH_SHAPES_VARIANTS?.split(',').filter(Boolean);
/**
 * No full GC forced before each run by default: a forced collection makes the run after it pay a
 * whole major GC that a Lambda function pays only every several batches, and the floor never
 * (lib/timing.ts, BENCHMARKS.md). GC pauses that do happen stay in each run's time (GC column).
 */
const forcedGc = process.env.BENCH_FORCED_GC === '1';
const timing = quick ? { warmup: 1, runs: 2, forcedGc } : { warmup: 1, runs: 7, forcedGc };
const shapes = SHAPES.filter((shape) => onlyShapes === undefined || onlyShapes.includes(shape.name));
if (shapes.length === 0) throw new Error(`BENCH_SHAPES names no shape: ${onlyShapes?.join(',')}`);

/** What one shape measured. */
interface ShapeResult {
  shape: BatchShape;
  records: number;
  payloads: number;
  logs: number;
  dataBytes: number;
  eventBytes: number;
  jsonlBytes: number;
  objects: { ours: number; naive: number };
  naiveRuns: number;
  timesMs: Record<string, number[]>;
  cpuMs: Record<string, number[]>;
  gcMs: Record<string, number[]>;
}

const server = await startS3rverProcess([BUCKET]);
const inspect = s3rverClient(server.endpoint);
const results: ShapeResult[] = [];
try {
  // Seeded by its place in the grid: a shape measured alone (BENCH_SHAPES) gets the same logs.
  for (const shape of shapes) results.push(await measure(shape, 0x5a_0000 + SHAPES.indexOf(shape)));
} finally {
  inspect.destroy();
  await server.close();
}

async function measure(shape: BatchShape, seed: number): Promise<ShapeResult> {
  const started = Date.now();
  const batch = shapeBatch(shape, seed, quick);
  progress(
    `shapes: ${shape.name}: ${describeShape(shape)}; ${(batch.dataBytes / 1e6).toFixed(2)} MB of record data, event ${(batch.eventBytes / 1e6).toFixed(2)} MB, ${batch.logs} logs`,
  );
  const s3 = createS3Destination(
    s3Config({
      bucket: BUCKET,
      keyPrefix: `ours/${shape.name}/`,
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      checksum: 'when_required',
    }),
    { credentials: s3rverClientConfig(server.endpoint).credentials },
  );
  const options = {
    flusher: s3.flusher,
    quarantine: s3.quarantine,
    project: PROJECT,
    logstore: LOGSTORE,
    shutdownHook: false,
    logger: new Logger({ serviceName: 'bench', logLevel: 'WARN' }),
  };
  const naiveTarget = (keyPrefix: string) => ({
    client: s3rverClient(server.endpoint),
    bucket: BUCKET,
    keyPrefix,
    project: PROJECT,
    logstore: LOGSTORE,
  });
  const checkTarget = naiveTarget(`naive/${shape.name}/check/`);
  const timedTarget = naiveTarget(`naive/${shape.name}/timed/`);
  let copies = 0;
  const freshEvent = () =>
    shape.source === ShapeSource.sqs
      ? withFreshMessageIds(batch.event as SQSEvent, ++copies)
      : withFreshSequenceNumbers(batch.event as KinesisStreamEvent, ++copies);
  // Each run gets the batch under new record ids, made before any timing: in Lambda the event
  // exists (parsed by the runtime) before the handler starts.
  const invoker = (
    handler: (event: never, context: never) => Promise<{ batchItemFailures: unknown[] }>,
    runs: number,
  ) => {
    const events = Array.from({ length: runs }, freshEvent);
    return async () => {
      const event = events.shift();
      if (event === undefined) throw new Error(`${shape.name}: more runs than the ${runs} events made`);
      const response = await handler(event as never, localLambdaContext(120_000, 'bench-shapes') as never);
      if (response.batchItemFailures.length > 0) {
        throw new Error(
          `${shape.name}: failures ${JSON.stringify(response.batchItemFailures).slice(0, 200)}`,
        );
      }
      return batch.logs;
    };
  };
  const sqs = shape.source === ShapeSource.sqs;
  const allRuns = 1 + timing.warmup + timing.runs;
  const ours = invoker(sqs ? createSqsHandler(options) : createKinesisHandler(options), allRuns);
  const naiveCheck = invoker(
    sqs ? naiveSqsToS3Handler(checkTarget) : naiveKinesisToS3Handler(checkTarget),
    1,
  );

  // One invocation each, then check what they stored before timing anything. A profile of ours
  // alone (BENCH_SHAPES_VARIANTS=ours) leaves the naive function out entirely.
  const withNaive = onlyVariants === undefined || onlyVariants.includes('naive');
  await ours();
  const naiveStarted = performance.now();
  if (withNaive) await naiveCheck();
  const naiveCheckMs = performance.now() - naiveStarted;
  const ourKeys = await listKeys(inspect, BUCKET, `ours/${shape.name}/`);
  const ourObjects = await Promise.all(ourKeys.map((key) => readObject(inspect, BUCKET, key)));
  const floorInputs = ourObjects.map((object) => gunzipSync(object));
  const output = Buffer.concat(floorInputs);
  const lines = output.toString('latin1').split('\n').length - 1;
  if (lines !== batch.logs)
    throw new Error(`${shape.name}: ours stored ${lines} lines, expected ${batch.logs}`);
  const naiveObjects = withNaive
    ? await readStoredObjects(server.directory, BUCKET, checkTarget.keyPrefix)
    : [];
  if (withNaive && naiveObjects.length !== batch.records) {
    throw new Error(`${shape.name}: naive stored ${naiveObjects.length} objects, expected ${batch.records}`);
  }
  if (withNaive && !Buffer.concat(naiveObjects.map((object) => gunzipSync(object))).equals(output)) {
    throw new Error(`${shape.name}: naive and ours stored different JSON Lines`);
  }
  checkTarget.client.destroy();

  // A naive run slower than the budget allows two of is not repeated: its checked first run is its
  // one sample (the 10,000-record shapes: thousands of PutObjects per run).
  const naiveRuns = Math.min(timing.runs, Math.floor(NAIVE_BUDGET_MS / naiveCheckMs));
  const timedNaive = withNaive && naiveRuns >= MIN_NAIVE_RUNS;
  const naive = () =>
    invoker(sqs ? naiveSqsToS3Handler(timedTarget) : naiveKinesisToS3Handler(timedTarget), allRuns);
  const floor = async () => {
    for (const text of floorInputs) gzipSync(text, { level: GZIP_LEVEL });
    return batch.logs;
  };
  const parts = await shapeParts({
    event: batch.event,
    sqs,
    objects: ourObjects,
    jsonl: output,
    client: s3.client,
    bucket: BUCKET,
    keyPrefix: `parts/${shape.name}/`,
    project: PROJECT,
    logstore: LOGSTORE,
  });
  // The reference without LogGroup objects: checked once to store exactly ours' lines.
  const bytesPathRun = async (key: string) => {
    const { body } = await bytesPathBody(batch.event, sqs, PROJECT, LOGSTORE);
    await putObjects(s3.client, BUCKET, `bytes/${shape.name}/${key}-`, [body]);
    return body;
  };
  if (!gunzipSync(await bytesPathRun('check')).equals(output)) {
    throw new Error(`${shape.name}: the bytes path made other JSON Lines than the handler stored`);
  }
  let bytesRuns = 0;
  const bytesPath = async () => {
    await bytesPathRun(String(++bytesRuns));
    return batch.logs;
  };
  // The same handler with a flusher that stores nothing: what an invocation costs besides its parts.
  // Its events are made at its first (warm-up) run, so they do not add to the heap ours runs with.
  const discarding = discardingFlusher();
  const runtimeOptions = { ...options, flusher: discarding };
  let runtimeInvoker: (() => Promise<number>) | undefined;
  const runtime = () => {
    runtimeInvoker ??= invoker(
      sqs ? createSqsHandler(runtimeOptions) : createKinesisHandler(runtimeOptions),
      timing.warmup + timing.runs,
    );
    return runtimeInvoker();
  };
  const wanted = (variant: { name: string }) =>
    onlyVariants === undefined || onlyVariants.includes(variant.name);
  // The parts go in rounds of their own, with a floor of their own: in the same rounds as ours,
  // without a GC forced between runs, their garbage could be collected on ours' clock.
  const rounds = [
    [
      { name: 'ours', run: ours },
      ...(timedNaive
        ? [{ name: 'naive', run: naive(), ...(naiveRuns < timing.runs ? { runs: naiveRuns } : {}) }]
        : []),
      { name: 'floor', run: floor },
    ],
    [
      ...parts,
      { name: RUNTIME, run: runtime },
      { name: BYTES_PATH, run: bytesPath },
      { name: PARTS_FLOOR, run: floor },
    ],
  ].map((variants) => variants.filter(wanted));
  // s3rver shares the cores: each run starts once it is idle (the naive function's thousands of
  // PutObjects left it busy into the next runs), as the real S3, another machine, always is.
  let settledMs = 0;
  const settle = async () => {
    settledMs += await waitUntilIdle(server.pid, SETTLE_MAX_MS);
  };
  const variants = rounds.flat();
  const metered = cpuMetered(variants);
  const times = new Map<string, number[]>();
  for (const round of rounds) {
    const names = new Set(round.map(({ name }) => name));
    const timed = metered.variants.filter(({ name }) => names.has(name));
    if (timed.length === 0) continue;
    const options = { ...timing, expect: batch.logs, settle };
    for (const entry of await timeRoundsAsync(timed, options)) times.set(...entry);
  }
  const runtimeRuns = times.has(RUNTIME) ? timing.warmup + timing.runs : 0;
  if (discarding.logs() !== batch.logs * runtimeRuns) {
    throw new Error(
      `${shape.name}: the discarding flusher got ${discarding.logs()} logs in ${runtimeRuns} runs`,
    );
  }
  await sleep(50);
  const gcTimes = metered.gcMs();
  metered.close();
  s3.client.destroy();
  timedTarget.client.destroy();
  progress(
    `shapes: ${shape.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s (naive: ${round(naiveCheckMs)} ms first run, ${timedNaive ? naiveRuns : 0} more; ${round(settledMs)} ms waiting for s3rver to go idle)`,
  );
  const timedCpu = (name: string) => {
    const all = metered.cpuMs.get(name) ?? [];
    return all.slice(all.length - (times.get(name)?.length ?? 0));
  };
  return {
    shape,
    records: batch.records,
    payloads: batch.payloads,
    logs: batch.logs,
    dataBytes: batch.dataBytes,
    eventBytes: batch.eventBytes,
    jsonlBytes: output.length,
    objects: { ours: ourKeys.length, naive: naiveObjects.length },
    naiveRuns: timedNaive ? naiveRuns : 1,
    timesMs: { ...Object.fromEntries(times), ...(withNaive && !timedNaive ? { naive: [naiveCheckMs] } : {}) },
    cpuMs: Object.fromEntries(variants.map(({ name }) => [name, timedCpu(name)])),
    gcMs: Object.fromEntries(
      variants.map(({ name }) => [name, (gcTimes.get(name) ?? []).slice(-(times.get(name)?.length ?? 0))]),
    ),
  };
}

const complete = onlyVariants === undefined;
const ratio = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(2)}×`);
/**
 * Median over the rounds both ran in of `a[i] / b[i]`; a single run of `a` (the naive function's
 * checked first run, taken before the rounds) over the median of `b`.
 */
const perRound = (a: readonly number[] | undefined, b: readonly number[] | undefined) =>
  a === undefined || b === undefined
    ? Number.NaN
    : a.length === 1
      ? a[0]! / median(b)
      : median(a.slice(0, Math.min(a.length, b.length)).map((t, i) => t / b[i]!));
/**
 * A part's fastest run over the median floor of the parts' rounds: a bound wants each part's own
 * cost, and without a GC forced between runs one part's garbage may be collected on another's clock.
 */
const fastest = (r: ShapeResult, names: readonly string[]) => {
  const floorRuns = r.timesMs[PARTS_FLOOR];
  if (floorRuns === undefined || names.some((name) => r.timesMs[name] === undefined)) return Number.NaN;
  return names.reduce((ms, name) => ms + Math.min(...r.timesMs[name]!), 0) / median(floorRuns);
};
const PARTS = ['decode', 'build', 'upload'] as const;
const rows = results.map((r) => {
  const ms = (name: string) => (r.timesMs[name] === undefined ? Number.NaN : median(r.timesMs[name]!));
  const cpu = (name: string) => (r.cpuMs[name] === undefined ? Number.NaN : median(r.cpuMs[name]!));
  return [
    `\`${r.shape.name}\`: ${describeShape(r.shape)}`,
    round(r.dataBytes / 1e6),
    r.logs.toLocaleString('en-US'),
    round(ms('ours')),
    round(cpu('ours')),
    round(median(r.gcMs.ours ?? [Number.NaN])),
    round(ms('floor')),
    ratio(perRound(r.timesMs.ours, r.timesMs.floor)),
    ratio(fastest(r, ['build'])),
    ratio(fastest(r, PARTS)),
    ratio(fastest(r, [RUNTIME])),
    ratio(perRound(r.timesMs[BYTES_PATH], r.timesMs[PARTS_FLOOR])),
    round(ms('naive')),
    r.timesMs.naive === undefined ? '–' : r.timesMs.naive.length,
    ratio(perRound(r.timesMs.naive, r.timesMs.ours)),
    round(cpu('ours') / 1000 / (r.jsonlBytes / 1e9)),
  ];
});
const floorRatios = results.map((r) => ({
  name: r.shape.name,
  value: perRound(r.timesMs.ours, r.timesMs.floor),
}));
const speedUps = results
  .filter((r) => r.records >= TARGET.manyRecords)
  .map((r) => ({
    name: r.shape.name,
    value: perRound(r.timesMs.naive, r.timesMs.ours),
  }));
const worst = (list: { name: string; value: number }[], pick: (a: number, b: number) => boolean) =>
  list.reduce((a, b) => (pick(b.value, a.value) ? b : a));
const worstFloor = worst(floorRatios, (a, b) => a > b);
const partsOver = results
  .map((r) => ({ name: r.shape.name, value: fastest(r, PARTS) }))
  .filter((p) => p.value > TARGET.floorRatio);
const worstSpeedUp = speedUps.length > 0 ? worst(speedUps, (a, b) => a < b) : undefined;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

report({
  name: 'shapes',
  input: `${results.length} batch shapes (logs from bench/lib/sizedLogs.ts: seeded web-access logs cut to ~200 B, as they are at ~1 KB, or with a ~7 KB JSON request body at ~8 KB; 10 minutes of log time, so one S3 object per batch). Per shape: this project's handler (\`createKinesisHandler\` / \`createSqsHandler\` + S3 flusher, JSON Lines + gzip) and the naive Powertools \`BatchProcessor\` + protobufjs + gzip + one PutObject per record (bench/lib/naiveKinesisToS3.ts; its SQS twin; KPL de-aggregated as \`aws-kinesis-agg\` does), both against s3rver in its own process, and the gzip floor (\`gzipSync\` level 6 of exactly the JSON Lines ours stored, per object). Interleaved rounds per shape: ${timing.warmup} warm-up + ${timing.runs} timed (the naive function in fewer when its first run took over ${round(NAIVE_BUDGET_MS / timing.runs)} ms; over ${NAIVE_BUDGET_MS / MIN_NAIVE_RUNS} ms its checked first run is its only sample, compared with ours' median: the "naive runs" column), ${forcedGc ? 'a full GC forced before each run (`BENCH_FORCED_GC=1`)' : 'no GC forced between runs (as in Lambda; `BENCH_FORCED_GC=1` forces one before each run, as the other sections do)'}; other ratios are medians of same-round ratios. MB = record data as the event carries it (base64).`,
  columns: [
    'shape',
    'MB',
    'logs',
    'ours ms',
    'ours CPU ms',
    'ours GC ms',
    'floor ms',
    'ours ÷ floor',
    'build ÷ floor',
    'parts ÷ floor',
    'runtime ÷ floor',
    'bytes path ÷ floor',
    'naive ms',
    'naive runs',
    'naive ÷ ours',
    'ours CPU s per GB of JSONL',
  ],
  rows,
  notes: quick
    ? [
        'Quick run (tiny batches, few runs): checks that every shape runs and both functions store the same lines; no figure here is a measurement.',
      ]
    : !complete
      ? [`Partial run: BENCH_SHAPES_VARIANTS=${onlyVariants?.join(',')}.`]
      : [
          `Every shape within ${TARGET.floorRatio}× its gzip floor: ${verdict(worstFloor.value <= TARGET.floorRatio)}; worst \`${worstFloor.name}\` at **${ratio(worstFloor.value)}** (same-round median).`,
          worstSpeedUp === undefined
            ? 'No shape with many records in this run.'
            : `At least ${TARGET.speedUp}× the naive function on the shapes with ≥ ${TARGET.manyRecords.toLocaleString('en-US')} records: ${verdict(worstSpeedUp.value >= TARGET.speedUp)}; lowest \`${worstSpeedUp.name}\` at **${ratio(worstSpeedUp.value)}**; ${speedUps.map((s) => `${s.name} ${ratio(s.value)}`).join(', ')}.`,
          `Both functions stored byte-identical JSON Lines on every shape; ours one object per batch, the naive function one per record (${results.map((r) => `${r.shape.name} ${r.objects.naive}`).join(', ')}).`,
          `Events as Lambda would deliver them: ${results.map((r) => `${r.shape.name} ${(r.eventBytes / 1e6).toFixed(1)} MB`).join(', ')}. Over Lambda's 6 MB payload limit (each record's metadata is ~450 B), Lambda would deliver fewer records per invocation, at the same cost per record: ${
            results
              .filter((r) => r.eventBytes > LAMBDA_MAX_PAYLOAD_BYTES)
              .map(
                (r) =>
                  `${r.shape.name} about ${(Math.floor((r.records * LAMBDA_MAX_PAYLOAD_BYTES) / r.eventBytes / 100) * 100).toLocaleString('en-US')}`,
              )
              .join(', ') || 'none'
          }.`,
          `"build" is the batch's objects built alone (JSON Lines + gzip with the flusher's own code, on every core), "parts" the sum of decoding the event's records, that build and the upload of the stored objects; each part is timed alone (bench/lib/shapeParts.ts) in rounds of their own with a floor of their own, and both columns take each part's fastest run over that floor's median. Every invocation runs the three one after the other, so "parts ÷ floor" bounds "ours ÷ floor" from below in this design. Parts over ${TARGET.floorRatio}× the floor: ${partsOver.length === 0 ? 'none' : partsOver.map((p) => `\`${p.name}\` ${ratio(p.value)}`).join(', ')}.`,
          `"runtime" is the same handler with a flusher that stores nothing (bench/lib/discardingFlusher.ts), timed in the parts' rounds: decoding, routing, the ack ledger, the response and their garbage. An invocation runs it, the build and the upload one after the other, so their sum is the tighter bound: ${results.map((r) => `\`${r.shape.name}\` ${ratio(fastest(r, [RUNTIME, 'build', 'upload']))}`).join(', ')}.`,
          `"bytes path" (bench/lib/bytesPath.ts) builds and stores the batch's object straight from the records' bytes: no LogGroup objects, no routing, no ack ledger, nothing but what the grid's batches need (it is checked to store exactly ours' lines). Timed in the parts' rounds (median of same-round ratios to their floor), it is what a function of another design, doing none of this runtime's work, would take.`,
          `CPU is the process's (all threads: zlib's pool, GC helpers) on ${availableParallelism()} cores; below 1,769 MB a Lambda function has less than one vCPU and pays for CPU time rather than wall time (cost section).`,
        ],
  data: results,
  profileStages: [
    'decodeBatch',
    'planDelivery',
    'flushCall',
    'partitionByHour',
    'estimateRawBytes',
    'encodePartition',
    'compressBody',
    'objectKey',
    'writeObjectIfAbsent',
  ],
});
