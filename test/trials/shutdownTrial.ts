// One shutdown trial: a warm execution environment of the deployed function (FLUSHER=s3, reached
// through a network with latency) handles some batches; at a random point (between invocations,
// at a random time into one, or just as a given S3 call of it is on the wire, multipart uploads
// included) Lambda shuts it down: SIGTERM to the runtime, SHUTDOWN to the extension, SIGKILL for
// whatever outlives its budget. Then the invariants are checked:
//
// - the runtime exits by itself, code 0, within its 300 ms; the extension exits cleanly;
// - every record an answer acked has all of its logs in S3;
// - redelivering what was not acked, through a fresh environment, until everything is acked,
//   leaves every log in S3;
// - no multipart upload is left open; where one is, the call log tells why.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LambdaEnvironment, ShutdownReport } from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import { RUNTIME_SHUTDOWN_BUDGET_MS } from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import type { S3Operation } from '../fixtures/s3/s3Wire.ts';
import type { Random } from '../helpers/random.ts';
import { s3Operation, type UploadFate, underPrefix, uploadFates } from './callLog.ts';
import { deleteS3Objects, durability, s3Logs } from './destinationLogs.ts';
import type { LatencyPolicy } from './LatencyProxy.ts';
import { type RuntimeExit, runtimeExit } from './processStamps.ts';
import { SourceQueue } from './SourceQueue.ts';
import type { ShutdownTrialPlan, SigtermPoint } from './shutdownPlan.ts';
import { Destination, type TrialWorld } from './TrialWorld.ts';
import { traceTimeline } from './traceTrial.ts';
import { eventOf, type TrialRecord } from './trialRecords.ts';
import { Invariant, type Violation, Violations } from './violations.ts';

/** Redelivery rounds before giving up (each round is one invocation of the fresh environment). */
const MAX_REDELIVERY_ROUNDS = 12;
/** The function timeout of the trial environments: long enough never to be the reason for an answer. */
const TRIAL_TIMEOUT_MS = 15_000;

export interface ShutdownTrialResult {
  readonly plan: ShutdownTrialPlan;
  /** SIGTERM arrived while an invocation was running. */
  readonly midInvocation: boolean;
  /** A multipart upload had begun (CreateMultipartUpload sent) and was not complete when SIGTERM came. */
  readonly midMultipart: boolean;
  readonly exit: RuntimeExit;
  /** From the function's own log: SIGTERM → hook running, hook → every flusher stopped (ms). */
  readonly hook: {
    readonly signalToHookMs: number | undefined;
    readonly hookToStoppedMs: number | undefined;
  };
  /** The test process's worst event loop delay during the shutdown: how late the harness may have seen the exit. */
  readonly harnessLagMs: number;
  readonly acked: number;
  /** Logs of acked records missing from S3 right after the shutdown. */
  readonly lost: readonly string[];
  readonly redeliveryRounds: number;
  /** Logs still missing once redelivery is over. */
  readonly missingAfterRedelivery: readonly string[];
  readonly duplicates: number;
  /** Multipart uploads still open at the end, with what the call log says about them. */
  readonly openUploads: readonly UploadFate[];
  /** Uploads aborted by a call the function sent but whose answer came after it had exited. */
  readonly abortsAnsweredAfterExit: number;
  /** Every broken invariant, in words. */
  readonly violations: readonly Violation[];
}

function latency(random: Random, [min, max]: readonly [number, number]): LatencyPolicy {
  return () => ({ kind: 'forward', delayMs: random.int(min, max) });
}

/** Run one planned trial against the shared world. Never throws for a broken invariant: it reports it. */
export async function runShutdownTrial(
  world: TrialWorld,
  plan: ShutdownTrialPlan,
  random: Random,
  trace?: (line: string) => void,
): Promise<ShutdownTrialResult> {
  const prefix = plan.env.S3_KEY_PREFIX!;
  const network = world.s3Network;
  network.reset(latency(random, plan.latencyMs));
  const config = world.functionConfig(plan.source, Destination.s3, { ...plan.env }, TRIAL_TIMEOUT_MS);
  const queue = new SourceQueue(plan.source, plan.records);
  const violations = new Violations();
  const acked: TrialRecord[] = [];
  const invoke = async (environment: LambdaEnvironment, batch: TrialRecord[]) => {
    const outcome = await environment.invoke(eventOf(batch));
    const answer = queue.settle(batch, outcome.kind === 'response' ? outcome.body : undefined);
    if (answer.invalid !== undefined)
      violations.add(Invariant.exactFailures, `invalid batch response: ${answer.invalid}`);
    acked.push(...answer.acked);
    return outcome;
  };

  // The environment that redelivers is started now too (Lambda may run several): it stays frozen
  // until the shutdown is over, and the trial does not wait for a second cold start.
  const [environment, fresh] = await Promise.all([world.environment(config), world.environment(config)]);
  // The harness measures the exit with this process's clock and event loop, which s3rver shares:
  // how late it ran during the shutdown bounds the measurement error.
  const lag = monitorEventLoopDelay({ resolution: 5 });
  let midInvocation = false;
  let midMultipart = false;
  let report: ShutdownReport;
  try {
    for (let i = 0; i < plan.invocationsBefore; i++) await invoke(environment, queue.next(plan.batchSize));
    const batch = queue.next(plan.batchSize);
    if (plan.point.kind === 'idle' || batch.length === 0) {
      lag.enable();
      report = await environment.shutdown();
    } else {
      const firstCall = network.calls.length;
      let settled = false;
      const invoking = invoke(environment, batch).finally(() => {
        settled = true;
      });
      await Promise.race([invoking.catch(() => {}), sigtermMoment(plan.point, network)]);
      midInvocation = !settled;
      const calls = network.calls.slice(firstCall);
      const count = (operation: S3Operation, status?: number) =>
        calls.filter(
          (call) => s3Operation(call) === operation && (status === undefined || call.status === status),
        ).length;
      midMultipart = midInvocation && count('CreateMultipartUpload') > count('CompleteMultipartUpload', 200);
      lag.enable();
      report = await environment.shutdown();
      await invoking;
    }
  } catch (error) {
    await Promise.all([environment.shutdown(), fresh.shutdown()]);
    throw error;
  }

  lag.disable();
  const harnessLagMs = Math.max(0, Math.round(lag.max / 1e6 - 5));
  const exit = runtimeExit(environment, report);
  const urgentAt = environment.loggedAt('shutdown: flusher made urgent');
  const stoppedAt = environment.loggedAt('shutdown: flusher stopped');
  const hook = {
    signalToHookMs: urgentAt === undefined ? undefined : urgentAt - report.startedAt,
    hookToStoppedMs: urgentAt === undefined || stoppedAt === undefined ? undefined : stoppedAt - urgentAt,
  };
  if (!exit.inBudget) {
    violations.add(
      Invariant.exitBudget,
      `runtime did not exit by itself within ${RUNTIME_SHUTDOWN_BUDGET_MS} ms of SIGTERM: exit called at ` +
        `${exit.calledMs ?? 'never'} ms, process gone at ${exit.observedMs} ms (harness clock, its loop ` +
        `lagging up to ${harnessLagMs} ms), ${JSON.stringify(report.runtime?.exit)}`,
    );
  }
  for (const extension of report.extensions) {
    if (extension.killed || extension.exit.code !== 0) {
      violations.add(Invariant.exitBudget, `extension did not exit cleanly: ${JSON.stringify(extension)}`);
    }
  }

  // Acked means durable when the answer was sent: checked before the calls still on the network land.
  const lost = durability(await s3Logs(world.s3, prefix)).missing(acked);
  if (lost.length > 0)
    violations.add(
      Invariant.noAckedLoss,
      `${lost.length} logs of acked records missing from S3: ${lost.slice(0, 5)}`,
    );
  // Calls the function sent before it exited are still carried out, as S3 would.
  await network.idle();
  trace?.(`SIGTERM at ${new Date(report.startedAt).toISOString()}`);
  for (const line of traceTimeline(report.startedAt, environment, network.calls)) trace?.(line);

  // Redelivery through the fresh environment, until everything is acked.
  let rounds = 0;
  try {
    while (queue.pending.length > 0 && rounds < MAX_REDELIVERY_ROUNDS) {
      rounds++;
      await invoke(fresh, queue.next(plan.batchSize));
    }
  } finally {
    const freshReport = await fresh.shutdown();
    const freshExit = runtimeExit(fresh, freshReport);
    if (!freshExit.inBudget) {
      violations.add(
        Invariant.exitBudget,
        `the redelivery environment (idle) did not exit by itself in budget: ${JSON.stringify(freshExit)}`,
      );
    }
  }
  if (queue.pending.length > 0) {
    violations.add(
      Invariant.redeliveryCompletes,
      `${queue.pending.length} records still not acked after ${rounds} redeliveries`,
    );
  }
  await network.idle();
  const final = durability(await s3Logs(world.s3, prefix));
  const missingAfterRedelivery = final.missing(plan.records);
  if (missingAfterRedelivery.length > 0) {
    violations.add(
      Invariant.redeliveryCompletes,
      `${missingAfterRedelivery.length} logs missing after redelivery: ${missingAfterRedelivery.slice(0, 5)}`,
    );
  }

  const fates = uploadFates(network.calls.filter((call) => underPrefix(call, prefix)));
  const open = await world.openUploads(prefix);
  const openUploads = open.map(
    (upload) =>
      fates.find((fate) => fate.uploadId === upload.uploadId) ?? {
        uploadId: upload.uploadId,
        key: upload.key,
        createAnsweredAfterExit: false,
        completed: false,
        aborts: [],
      },
  );
  if (openUploads.length > 0)
    violations.add(
      Invariant.noOpenUpload,
      `${openUploads.length} multipart uploads left open: ${JSON.stringify(openUploads)}`,
    );
  const abortsAnsweredAfterExit = fates.filter((fate) =>
    fate.aborts.some((abort) => !abort.answerHeard),
  ).length;

  // Leave nothing behind for the next trial.
  await world.abortUploads(open);
  await deleteS3Objects(world.s3, prefix);

  return {
    plan,
    hook,
    harnessLagMs,
    midInvocation,
    midMultipart,
    exit,
    acked: acked.length,
    lost,
    redeliveryRounds: rounds,
    missingAfterRedelivery,
    duplicates: final.duplicates,
    openUploads,
    abortsAnsweredAfterExit,
    violations: violations.list,
  };
}

/** Resolves at the trial's SIGTERM moment (the caller races it with the invocation's end). */
async function sigtermMoment(
  point: Exclude<SigtermPoint, { kind: 'idle' }>,
  network: TrialWorld['s3Network'],
): Promise<void> {
  if (point.kind === 'timer') {
    await sleep(point.ms);
    return;
  }
  let seen = 0;
  await network.next((call) => s3Operation(call) === point.operation && ++seen === point.nth);
  await sleep(point.jitterMs);
}
