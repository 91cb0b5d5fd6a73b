import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRandom } from '../helpers/random.ts';
import { ChaosCloud } from './ChaosCloud.ts';
import { type ChaosReport, faultReport, type LaneReport, laneProblems } from './ChaosReport.ts';
import {
  CWL_FAULT_MIX,
  type CwlFaultKind,
  cwlFaultPolicy,
  FaultInjector,
  restrictMix,
  S3_FAULT_MIX,
  type S3FaultKind,
  s3FaultPolicy,
} from './faultPlans.ts';
import { ChaosDestination, ChaosService, ChaosSource, planLanes } from './lanes.ts';
import { reportLane } from './reportLane.ts';
import { type ChaosDecorations, prepareStream, runLane } from './runLane.ts';
import { buildWorkload } from './workload.ts';

export type { ChaosReport, FaultReport, LaneReport } from './ChaosReport.ts';

/** Options of {@link runChaos}; everything but the seed has a default. */
export interface ChaosOptions {
  readonly seed: number;
  /** Records over all lanes (default 20,000). */
  readonly records?: number;
  readonly sources?: readonly ChaosSource[];
  readonly destinations?: readonly ChaosDestination[];
  /** Share of destination requests that suffer a fault (default 0.2). */
  readonly faultRate?: number;
  /** Fault kinds allowed (default: all of {@link S3_FAULT_MIX} / {@link CWL_FAULT_MIX}). */
  readonly s3Faults?: readonly S3FaultKind[];
  readonly cloudWatchFaults?: readonly CwlFaultKind[];
  /** Share of `isReady` calls answered false on top of the flusher's own answer (default 0.07). */
  readonly notReadyShare?: number;
  /** Share of poison records (default 0.01, at least 2 per lane). */
  readonly poisonShare?: number;
  /** Share of records holding a log outside CloudWatch Logs' time window (default 0.005). */
  readonly outsideWindowShare?: number;
  /** Share of records whose logs spread over the last 13 days (default 0.02). */
  readonly backfillShare?: number;
  /** Share of single-group records holding 100–400 logs (default 0.005). */
  readonly bulkShare?: number;
  /** The function's timeout, drawn per invocation (default 1–3 s: stalls outlast it). */
  readonly timeoutMs?: { readonly min: number; readonly max: number };
  /** Bound on receives of one record (and on retries of one Kinesis checkpoint) before the run gives up (default 40). */
  readonly maxReceives?: number;
  /** Bound on the whole run (default 10 minutes). */
  readonly maxDurationMs?: number;
  /** Strings planted in log contents and poison records (default none). */
  readonly secrets?: readonly string[];
  /** Share of SQS standard receives that also deliver a second copy of the message (default 0.01). */
  readonly duplicateDeliveryShare?: number;
  /**
   * Replace the real flusher or quarantine (only to prove the checker catches a broken one): each
   * flusher and the quarantine sink pass through these.
   */
  readonly decorate?: ChaosDecorations;
  /** Extra process environment while the run lasts (restored after): credentials, Powertools settings, … */
  readonly env?: Readonly<Record<string, string>>;
  /** Called every few seconds with a progress line. */
  readonly onProgress?: (line: string) => void;
}

/** Defaults of {@link ChaosOptions}. */
export const CHAOS_DEFAULTS = {
  records: 20_000,
  faultRate: 0.2,
  notReadyShare: 0.07,
  poisonShare: 0.01,
  outsideWindowShare: 0.005,
  backfillShare: 0.02,
  bulkShare: 0.005,
  duplicateDeliveryShare: 0.01,
  timeoutMs: { min: 1_000, max: 3_000 },
  maxReceives: 40,
  maxDurationMs: 10 * 60_000,
} as const;

/** How each source's event source mapping polls: concurrent invocations and largest batch. */
const SOURCE_POLLING: Readonly<Record<ChaosSource, { concurrency: number; maxBatch: number }>> = {
  sqs: { concurrency: 4, maxBatch: 50 },
  'sqs-fifo': { concurrency: 3, maxBatch: 10 },
  kinesis: { concurrency: 2, maxBatch: 100 },
};
/** Pause before a Kinesis batch is retried from an unmoved checkpoint (about 1 s in Lambda, time compressed ~20×). */
const KINESIS_RETRY_DELAY = { min: 30, max: 100 } as const;
/** Share of invocations after which Lambda replaces the environment (cold start). */
const RECYCLE_SHARE = 0.02;
/** How long to wait, after the lanes, for invocations that outlived their timeout. */
const ZOMBIE_WAIT_MS = 10_000;
const PROGRESS_EVERY_MS = 5_000;

/**
 * Push a seeded workload through the real SQS and Kinesis handlers (built from environment
 * variables as functions/* build them) into the S3 and CloudWatch Logs flushers on loopback
 * services that inject faults (each service on its own), alone or both in one pipeline, with
 * `isReady` pressure on every flusher and faithfully simulated queues; then compare what each
 * service and the quarantine hold with what was sent and acked.
 *
 * Seeded: the workload and every random draw come from `seed`; how invocations interleave (and so
 * which request meets which fault) still depends on timing.
 *
 * @example
 * ```ts
 * const report = await runChaos({ seed: 7, records: 600 });
 * if (report.problems.length > 0) throw new Error(report.problems.join('\n'));
 * ```
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const settings = { ...CHAOS_DEFAULTS, ...definedOnly(options) };
  const random = createRandom(options.seed);
  const sources = options.sources ?? Object.values(ChaosSource);
  const destinations = options.destinations ?? Object.values(ChaosDestination);
  const lanes = planLanes(settings.records, sources, destinations);
  const now = Math.floor(Date.now() / 1000);
  const workloads = lanes.map((lane) =>
    buildWorkload(lane, random.fork(`workload/${lane.name}`), {
      poisonShare: settings.poisonShare,
      outsideWindowShare: settings.outsideWindowShare,
      backfillShare: settings.backfillShare,
      bulkShare: settings.bulkShare,
      secrets: options.secrets ?? [],
      now,
    }),
  );

  const configDirectory = await mkdtemp(join(tmpdir(), 'chaos-pipelines-'));
  const uses = (service: ChaosService) => lanes.some((lane) => lane.services.includes(service));
  const cloud = await ChaosCloud.start({
    s3: uses(ChaosService.s3),
    cloudWatch: uses(ChaosService.cloudwatch),
    kinesis: sources.includes(ChaosSource.kinesis),
  });
  const restoreEnv = setProcessEnv({
    AWS_REGION: 'us-east-1',
    // s3rver checks SigV4 signatures with its own key pair; the CloudWatch Logs endpoint takes any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cloud.cloudWatch?.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...options.env,
  });
  // A real function's runtime dies on an unhandled rejection or uncaught exception: record them.
  const crashes: string[] = [];
  const onCrash = (error: unknown) => {
    crashes.push(
      error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error),
    );
  };
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  const s3Faults = new FaultInjector(
    random.fork('faults/s3'),
    settings.faultRate,
    restrictMix(S3_FAULT_MIX, options.s3Faults),
  );
  const cloudWatchFaults = new FaultInjector(
    random.fork('faults/cloudwatch'),
    settings.faultRate,
    restrictMix(CWL_FAULT_MIX, options.cloudWatchFaults),
  );
  try {
    // Kinesis records are in the stream before anything runs, as a producer would have put them.
    const shards = await Promise.all(
      lanes.map(async (lane, i) =>
        lane.source === ChaosSource.kinesis ? await prepareStream(cloud, lane, workloads[i]!) : undefined,
      ),
    );
    cloud.s3?.proxy.setFaultPolicy(s3FaultPolicy(s3Faults));
    cloud.cloudWatch?.setFaultPolicy(cwlFaultPolicy(cloudWatchFaults));

    const started = performance.now();
    const stopAt = Date.now() + settings.maxDurationMs;
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const progress = { acked: lanes.map((): (() => number) => () => 0) };
    const ticker = setInterval(() => {
      const acked = progress.acked.reduce((sum, count) => sum + count(), 0);
      const total = lanes.reduce((sum, lane) => sum + lane.records, 0);
      options.onProgress?.(
        `${Math.round((performance.now() - started) / 1000)} s: ${acked}/${total} records acked; ` +
          `faults injected: S3 ${s3Faults.total}/${s3Faults.requests}, CloudWatch Logs ${cloudWatchFaults.total}/${cloudWatchFaults.requests}`,
      );
    }, PROGRESS_EVERY_MS);
    let runs: Array<Awaited<ReturnType<typeof runLane>>>;
    try {
      runs = await Promise.all(
        lanes.map((lane, i) =>
          runLane(lane, workloads[i]!, shards[i], {
            random: random.fork(`lane/${lane.name}`),
            s3Endpoint: cloud.s3?.proxy.endpoint,
            configDirectory,
            notReadyShare: settings.notReadyShare,
            duplicateDeliveryShare: settings.duplicateDeliveryShare,
            decorate: options.decorate,
            driver: {
              ...SOURCE_POLLING[lane.source],
              maxReceives: settings.maxReceives,
              stopAt,
              retryDelayMs: KINESIS_RETRY_DELAY,
              environment: { timeoutMs: settings.timeoutMs, recycleShare: RECYCLE_SHARE },
            },
            onAcked: (count) => {
              progress.acked[i] = count;
            },
          }),
        ),
      );
    } finally {
      clearInterval(ticker);
      loopDelay.disable();
    }
    const elapsedMs = performance.now() - started;
    cloud.calm();
    const zombieWait = new AbortController();
    await Promise.race([
      Promise.allSettled(runs.flatMap((run) => run.run.zombies)),
      sleep(ZOMBIE_WAIT_MS, undefined, { signal: zombieWait.signal }).catch(() => {}),
    ]);
    zombieWait.abort();

    const reports: LaneReport[] = [];
    for (const [i, lane] of lanes.entries())
      reports.push(await reportLane(cloud, lane, workloads[i]!, runs[i]!));
    return {
      seed: options.seed,
      records: lanes.reduce((sum, lane) => sum + lane.records, 0),
      lanes: reports,
      faults: [
        ...(cloud.s3 ? [faultReport(ChaosService.s3, s3Faults)] : []),
        ...(cloud.cloudWatch ? [faultReport(ChaosService.cloudwatch, cloudWatchFaults)] : []),
      ],
      elapsedMs,
      eventLoopDelayMs: {
        p99: Math.round(loopDelay.percentile(99) / 1e6),
        max: Math.round(loopDelay.max / 1e6),
      },
      problems: [
        ...reports.flatMap(laneProblems),
        ...crashes.map((crash) => `the process would have crashed: ${crash.slice(0, 2_000)}`),
      ],
    };
  } finally {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    cloud.calm();
    await cloud.close();
    await rm(configDirectory, { recursive: true, force: true });
    restoreEnv();
  }
}

/** Set process environment variables (`undefined` leaves one out); returns a function that restores the old values. */
function setProcessEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const saved = new Map(Object.keys(vars).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) process.env[name] = value;
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
