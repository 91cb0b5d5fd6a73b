// Runs seeded shutdown and deadline trials, one after the other, against one shared world. Each
// trial draws from its own stream (`<kind>/<n>` forked from the seed), so `only` replays a single
// trial of a run exactly as it was drawn.
import { loadavg } from 'node:os';
import { createRandom } from '../helpers/random.ts';
import { type DeadlineTrialResult, planDeadlineTrial, runDeadlineTrial } from './deadlineTrial.ts';
import { planShutdownTrial } from './shutdownPlan.ts';
import { runShutdownTrial, type ShutdownTrialResult } from './shutdownTrial.ts';
import { type Destination, TrialWorld } from './TrialWorld.ts';
import type { Violation } from './violations.ts';

export interface TrialRunOptions {
  readonly seed: number;
  readonly shutdownTrials: number;
  readonly deadlineTrials: number;
  /** Replay only these trials (e.g. `shutdown/12`, `deadline/3`). */
  readonly only?: readonly string[] | undefined;
  readonly destinations?: readonly Destination[] | undefined;
  /** One line per finished trial. */
  readonly progress?: ((line: string) => void) | undefined;
  /** Each trial's timeline (function logs and network calls), for replays. */
  readonly trace?: ((line: string) => void) | undefined;
  /** Extra function environment for the shutdown trials (e.g. another SHUTDOWN_TIMEOUT_MS). */
  readonly shutdownEnv?: Readonly<Record<string, string>> | undefined;
}

export interface TrialRunReport {
  readonly seed: number;
  /** 1-minute load averages of the machine at the start and the end (2 shared cores). */
  readonly load: readonly [number, number];
  readonly shutdownEnv: Readonly<Record<string, string>>;
  readonly shutdown: ShutdownTrialResult[];
  readonly deadline: DeadlineTrialResult[];
  readonly durationMs: number;
}

export async function runTrials(options: TrialRunOptions): Promise<TrialRunReport> {
  const started = Date.now();
  const root = createRandom(options.seed);
  const runLabel = `s${options.seed}`;
  const wanted = (name: string) => options.only === undefined || options.only.includes(name);
  const loadAtStart = loadavg()[0] ?? 0;
  const shutdown: ShutdownTrialResult[] = [];
  const deadline: DeadlineTrialResult[] = [];
  const world = await TrialWorld.start();
  try {
    for (let trial = 0; trial < options.shutdownTrials; trial++) {
      const name = `shutdown/${trial}`;
      if (!wanted(name)) continue;
      const random = root.fork(name);
      const plan = planShutdownTrial(random, trial, runLabel);
      const result = await runShutdownTrial(
        world,
        { ...plan, env: { ...plan.env, ...options.shutdownEnv } },
        random.fork('run'),
        options.trace,
      );
      shutdown.push(result);
      options.progress?.(describeShutdown(name, result));
    }
    for (let trial = 0; trial < options.deadlineTrials; trial++) {
      const name = `deadline/${trial}`;
      if (!wanted(name)) continue;
      const random = root.fork(name);
      const plan = planDeadlineTrial(random, trial, runLabel, options.destinations);
      const result = await runDeadlineTrial(world, plan, random.fork('run'), options.trace);
      deadline.push(result);
      options.progress?.(describeDeadline(name, result));
    }
  } finally {
    await world.close();
  }
  return {
    seed: options.seed,
    load: [loadAtStart, loadavg()[0] ?? 0],
    shutdownEnv: options.shutdownEnv ?? {},
    shutdown,
    deadline,
    durationMs: Date.now() - started,
  };
}

function describeShutdown(name: string, result: ShutdownTrialResult): string {
  const { plan } = result;
  const point =
    plan.point.kind === 'idle' ? `idle after ${plan.invocationsBefore}` : JSON.stringify(plan.point);
  const where = result.midMultipart ? 'mid-multipart' : result.midInvocation ? 'mid-invocation' : 'between';
  return (
    `${name} ${plan.source}${plan.multipart ? ' multipart' : ''} ${point} → ${where}, ` +
    `exit called at ${result.exit.calledMs ?? '?'} ms, gone at ${result.exit.observedMs ?? '?'} ms` +
    `${result.exit.byItself ? '' : ' (SIGKILL)'}, ` +
    `hook ${JSON.stringify(result.hook)}, harness lag ${result.harnessLagMs} ms, acked ${result.acked}, ` +
    `redelivered in ${result.redeliveryRounds}` +
    describeViolations(result.violations)
  );
}

function describeDeadline(name: string, result: DeadlineTrialResult): string {
  const { plan } = result;
  return (
    `${name} ${plan.source} → ${plan.destination}, timeout ${plan.timeoutMs} ms, stall ${JSON.stringify(plan.stall)}: ` +
    `${result.outcome} with ${result.marginMs ?? '?'} ms left, ${result.reported} reported` +
    `${result.strict ? '' : ' (not strictly checkable)'}` +
    describeViolations(result.violations)
  );
}

function describeViolations(violations: readonly Violation[]): string {
  return violations.map((violation) => `\n  VIOLATION ${violation.invariant}: ${violation.detail}`).join('');
}
