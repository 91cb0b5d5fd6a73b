// One deadline trial: a fresh environment of the deployed function (timeout 1–3 s) gets one batch
// while its destination (S3 or CloudWatch Logs) stalls from some point on: the n-th call (alone
// or with every later one), or every call after some time. Calls that are not stalled answer
// quickly. Then:
//
// - the function answers before its deadline (never a timeout, never an error);
// - the answer is exactly right for what the destination holds at that moment: no acked record
//   misses a log, and the reported records are exactly those with a flush (one per logstore) not
//   fully stored, plus what ordering requires after them (a flush resolves as a whole, so a record
//   whose own logs landed in a half-stored flush is rightly reported). When a call the function
//   made was answered so close to the urgency point that it could not have known, only the first
//   half is checked;
// - with the stall cleared, the same warm environment (its flusher replaced) delivers the rest,
//   and then shuts down within its budget.
import { defaultUrgencyMarginMs } from '../../src/runtime/Deadline.ts';
import { expectedFailures } from '../helpers/expectedFailures.ts';
import type { Random } from '../helpers/random.ts';
import {
  cloudWatchLogs,
  deleteCloudWatchGroups,
  deleteS3Objects,
  durability,
  knowablyDurable,
  type StoredLogs,
  s3Logs,
} from './destinationLogs.ts';
import type { LatencyPolicy, ProxiedCall } from './LatencyProxy.ts';
import { type RuntimeExit, runtimeExit } from './processStamps.ts';
import { ackedBy, SourceQueue } from './SourceQueue.ts';
import { Destination, type TrialWorld } from './TrialWorld.ts';
import { traceTimeline } from './traceTrial.ts';
import { eventOf, SOURCE_KINDS, type SourceKind, type TrialRecord, trialRecords } from './trialRecords.ts';
import { Invariant, type Violation, Violations } from './violations.ts';

/** Redelivery rounds after the stall clears. */
const MAX_REDELIVERY_ROUNDS = 6;
/** Calls answered this close before the urgency point may not have been seen by the function in time. */
const KNOWABLE_BEFORE_URGENCY_MS = 50;

/** Where the destination starts stalling. */
export type StallPlan =
  | { readonly kind: 'none' }
  /** The `nth` call of the invocation stalls, and with `andAfter` every later one. */
  | { readonly kind: 'nth'; readonly nth: number; readonly andAfter: boolean }
  /** Every call arriving `ms` or later after the invocation started stalls. */
  | { readonly kind: 'after'; readonly ms: number };

export interface DeadlineTrialPlan {
  readonly trial: number;
  readonly label: string;
  readonly source: SourceKind;
  readonly destination: Destination;
  readonly timeoutMs: number;
  readonly env: Readonly<Record<string, string>>;
  readonly stall: StallPlan;
  readonly latencyMs: readonly [number, number];
  readonly records: readonly TrialRecord[];
}

export interface DeadlineTrialResult {
  readonly plan: DeadlineTrialPlan;
  /** How the invocation ended: `response` is the only right one. */
  readonly outcome: string;
  /** Time left before the deadline when the answer came (negative or undefined: late). */
  readonly marginMs: number | undefined;
  readonly answeredInTime: boolean;
  readonly reported: number;
  /** The exactness of the answer could be checked (no call answered too close to the urgency point). */
  readonly strict: boolean;
  readonly lost: readonly string[];
  /** The idle shutdown after the trial. */
  readonly exit: RuntimeExit;
  readonly violations: readonly Violation[];
}

export function planDeadlineTrial(
  random: Random,
  trial: number,
  runLabel: string,
  destinations: readonly Destination[] = [Destination.s3, Destination.cloudWatchLogs],
): DeadlineTrialPlan {
  const label = `${runLabel}d${trial}`;
  const source = random.pick(SOURCE_KINDS);
  const destination = random.pick(destinations);
  const timeoutMs = random.int(1_000, 3_000);
  const records = trialRecords(random, label, source, {
    records: random.int(4, 16),
    logsPerRecord: [1, 20],
    logstores: ['app', 'web', 'db', 'auth'].slice(0, random.int(1, 4)),
    maxGroupsPerRecord: 2,
    hours: random.int(0, 3),
  });
  const draw = random.int(0, 9);
  const stall: StallPlan =
    draw === 0
      ? { kind: 'none' }
      : draw <= 6
        ? {
            kind: 'nth',
            nth: random.int(1, destination === Destination.s3 ? 6 : 10),
            andAfter: random.chance(0.5),
          }
        : { kind: 'after', ms: random.int(0, Math.floor(timeoutMs / 2)) };
  const env: Record<string, string> = {
    PROJECT: label,
    FLUSH_CONCURRENCY: String(random.pick([1, 2, 4])),
    ...(destination === Destination.s3
      ? { S3_KEY_PREFIX: `deadline/${label}/`, S3_COMPRESSION: random.pick(['gzip', 'none']) }
      : { CWL_CONCURRENCY: String(random.pick([1, 4])) }),
  };
  return {
    trial,
    label,
    source,
    destination,
    timeoutMs,
    env,
    stall,
    latencyMs: [0, random.int(0, 15)],
    records,
  };
}

function stallPolicy(random: Random, plan: DeadlineTrialPlan, startedAt: () => number): LatencyPolicy {
  let seen = 0;
  const forward = () => ({
    kind: 'forward' as const,
    delayMs: random.int(plan.latencyMs[0], plan.latencyMs[1]),
  });
  return (call) => {
    seen++;
    const { stall } = plan;
    if (stall.kind === 'nth' && (seen === stall.nth || (stall.andAfter && seen > stall.nth))) {
      return { kind: 'stall' };
    }
    if (stall.kind === 'after' && call.arrivedAt - startedAt() >= stall.ms) return { kind: 'stall' };
    return forward();
  };
}

async function stored(world: TrialWorld, plan: DeadlineTrialPlan): Promise<StoredLogs> {
  return plan.destination === Destination.s3
    ? await s3Logs(world.s3, plan.env.S3_KEY_PREFIX!)
    : cloudWatchLogs(world.cwl, `/loggroup-flusher/${plan.label}/`);
}

/** Run one planned trial. Never throws for a broken invariant: it reports it. */
export async function runDeadlineTrial(
  world: TrialWorld,
  plan: DeadlineTrialPlan,
  random: Random,
  trace?: (line: string) => void,
): Promise<DeadlineTrialResult> {
  const network = world.network(plan.destination);
  let startedAt = Number.POSITIVE_INFINITY;
  network.reset(stallPolicy(random, plan, () => startedAt));
  const violations = new Violations();
  const environment = await world.environment(
    world.functionConfig(plan.source, plan.destination, { ...plan.env }, plan.timeoutMs),
  );
  const batch = [...plan.records];
  startedAt = Date.now();
  const outcome = await environment.invoke(eventOf(batch));
  const atAnswer = await stored(world, plan);
  const snapshot = durability(atAnswer);
  const forwardedCalls: ProxiedCall[] = network.calls.filter((call) => call.verdict === 'forward');
  trace?.(`invocation started at ${new Date(startedAt).toISOString()}, deadline +${plan.timeoutMs} ms`);
  for (const line of traceTimeline(startedAt, environment, network.calls)) trace?.(line);

  let marginMs: number | undefined;
  let reported = 0;
  let strict = false;
  let lost: string[] = [];
  if (outcome.kind !== 'response') {
    violations.add(
      Invariant.answerInTime,
      `no answer before the deadline: ${outcome.kind} ${JSON.stringify(outcome).slice(0, 300)}`,
    );
  } else {
    marginMs = outcome.marginMs;
    const answer = ackedBy(plan.source, batch, outcome.body);
    if (answer.invalid !== undefined)
      violations.add(Invariant.exactFailures, `invalid batch response: ${answer.invalid}`);
    lost = snapshot.missing(answer.acked);
    if (lost.length > 0)
      violations.add(
        Invariant.noAckedLoss,
        `${lost.length} logs of acked records not stored: ${lost.slice(0, 5)}`,
      );
    const failures = (outcome.body as { batchItemFailures: Array<{ itemIdentifier: string }> })
      .batchItemFailures;
    reported = failures.length;
    const urgencyAt = startedAt + plan.timeoutMs - defaultUrgencyMarginMs(plan.timeoutMs);
    strict = forwardedCalls.every(
      (call) => call.answeredAt !== undefined && call.answeredAt < urgencyAt - KNOWABLE_BEFORE_URGENCY_MS,
    );
    const durable = knowablyDurable(batch, atAnswer);
    const expected = expectedFailures(
      plan.source,
      batch,
      (record) => !durable(record),
      (record) => record.orderKey,
    );
    const actual = failures.map((failure) => failure.itemIdentifier);
    const sameSet =
      expected.length === actual.length && new Set([...expected, ...actual]).size === expected.length;
    if (strict && answer.invalid === undefined && !sameSet) {
      violations.add(
        Invariant.exactFailures,
        `wrong failures: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
      );
    }
  }

  // The stall clears; the queue redelivers what was not acked to the same, warm environment.
  network.reset(() => ({ kind: 'forward', delayMs: random.int(plan.latencyMs[0], plan.latencyMs[1]) }));
  const queue = new SourceQueue(plan.source, batch);
  queue.settle(batch, outcome.kind === 'response' ? outcome.body : undefined);
  let rounds = 0;
  let report: Awaited<ReturnType<typeof environment.shutdown>>;
  try {
    while (queue.pending.length > 0 && rounds < MAX_REDELIVERY_ROUNDS) {
      rounds++;
      const next = queue.next(batch.length);
      const redelivery = await environment.invoke(eventOf(next));
      queue.settle(next, redelivery.kind === 'response' ? redelivery.body : undefined);
    }
  } finally {
    report = await environment.shutdown();
  }
  if (queue.pending.length > 0)
    violations.add(
      Invariant.redeliveryCompletes,
      `${queue.pending.length} records not acked after ${rounds} redeliveries`,
    );
  await network.idle();
  const missing = durability(await stored(world, plan)).missing(plan.records);
  if (missing.length > 0)
    violations.add(
      Invariant.redeliveryCompletes,
      `${missing.length} logs missing after redelivery: ${missing.slice(0, 5)}`,
    );
  const exit = runtimeExit(environment, report);
  if (!exit.inBudget) {
    violations.add(Invariant.exitBudget, `runtime did not exit by itself in budget: ${JSON.stringify(exit)}`);
  }

  network.reset();
  if (plan.destination === Destination.s3) await deleteS3Objects(world.s3, plan.env.S3_KEY_PREFIX!);
  else deleteCloudWatchGroups(world.cwl, `/loggroup-flusher/${plan.label}/`);

  return {
    plan,
    outcome: outcome.kind,
    marginMs,
    answeredInTime: outcome.kind === 'response' && outcome.marginMs > 0,
    reported,
    strict,
    lost,
    exit,
    violations: violations.list,
  };
}
