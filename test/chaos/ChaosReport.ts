import type { LaneVerdict } from './checkLane.ts';
import type { StoredLogsVerdict } from './checkStoredLogs.ts';
import type { FaultInjector } from './faultPlans.ts';
import type { InvocationStats } from './InProcessEnvironment.ts';
import type { ChaosLane, ChaosService } from './lanes.ts';
import type { StoredQuarantineEntry } from './readDestinations.ts';

/** What one service holds of a lane's logs, and what its flusher went through. */
export interface ServiceReport {
  readonly service: ChaosService;
  /** The pipeline flusher writing there (`both` lanes); undefined for a single-`FLUSHER` lane. */
  readonly flusher: string | undefined;
  readonly verdict: StoredLogsVerdict;
  readonly notReady: number;
  /** Invocations that reached their urgency margin with this flusher (made urgent and stopped). */
  readonly deadlines: number;
  /** S3: duplicate objects (identical content); CloudWatch Logs: undefined. */
  readonly duplicateObjects: number | undefined;
  /** Objects (S3) or events (CloudWatch Logs) holding logs. */
  readonly storedUnits: number;
}

/** One lane's numbers. */
export interface LaneReport {
  readonly lane: ChaosLane;
  readonly poison: number;
  readonly acked: number;
  readonly deliveries: number;
  readonly invocations: InvocationStats;
  readonly orderViolations: readonly string[];
  readonly invalidResponses: readonly string[];
  readonly stoppedBecause: string | undefined;
  readonly verdict: LaneVerdict;
  /** One per service the lane writes to (two for a `both` lane), each checked on its own. */
  readonly services: readonly ServiceReport[];
  readonly duplicateQuarantine: number;
  /** Every quarantine entry the lane's quarantine holds (poison records and refused events). */
  readonly quarantine: readonly StoredQuarantineEntry[];
  readonly elapsedMs: number;
}

/** Faults injected at one service. */
export interface FaultReport {
  readonly destination: ChaosService;
  readonly requests: number;
  readonly injected: Readonly<Record<string, number>>;
  readonly total: number;
}

export interface ChaosReport {
  readonly seed: number;
  readonly records: number;
  readonly lanes: readonly LaneReport[];
  readonly faults: readonly FaultReport[];
  readonly elapsedMs: number;
  /**
   * Event-loop delay of the whole process while the lanes ran (handlers and loopback services
   * share it): what can push an answer past its deadline besides the handler itself.
   */
  readonly eventLoopDelayMs: { readonly p99: number; readonly max: number };
  /** Invariant violations: empty when the run passed. */
  readonly problems: readonly string[];
}

/** What one destination's fault injector did. */
export function faultReport<K extends string>(
  destination: ChaosService,
  injector: FaultInjector<K>,
): FaultReport {
  return {
    destination,
    requests: injector.requests,
    injected: { ...(injector.injected as Record<string, number>) },
    total: injector.total,
  };
}

/** Every invariant a lane broke, in words. */
export function laneProblems(report: LaneReport): string[] {
  const name = report.lane.name;
  const { verdict } = report;
  const problems: string[] = [];
  if (report.stoppedBecause !== undefined)
    problems.push(`${name}: did not converge: ${report.stoppedBecause}`);
  if (verdict.notAcked > 0) problems.push(`${name}: ${verdict.notAcked} records never acked`);
  // The handler answers every invocation, in time: it neither throws nor outlives its deadline.
  if (report.invocations.errors > 0)
    problems.push(`${name}: ${report.invocations.errors} invocations threw instead of answering`);
  if (report.invocations.timeouts > 0)
    problems.push(
      `${name}: ${report.invocations.timeouts} invocations did not answer before the function's timeout`,
    );
  for (const service of report.services) problems.push(...serviceProblems(report.lane, service));
  if (verdict.poisonMissing.length > 0)
    problems.push(
      `${name}: acked poison records missing from quarantine: ${verdict.poisonMissing.join(', ')}`,
    );
  if (verdict.poisonWrongReason.length > 0)
    problems.push(
      `${name}: poison quarantined with the wrong reason: ${verdict.poisonWrongReason.join(', ')}`,
    );
  if (verdict.wronglyQuarantined.length > 0)
    problems.push(`${name}: valid records quarantined: ${verdict.wronglyQuarantined.join(', ')}`);
  if (report.orderViolations.length > 0)
    problems.push(`${name}: FIFO order broken: ${report.orderViolations.slice(0, 5).join('; ')}`);
  if (report.invalidResponses.length > 0)
    problems.push(
      `${name}: responses Lambda would refuse: ${report.invalidResponses.slice(0, 5).join('; ')}`,
    );
  return problems;
}

function serviceProblems(lane: ChaosLane, report: ServiceReport): string[] {
  const name = `${lane.name} (${report.service}${report.flusher === undefined ? '' : `, flusher ${report.flusher}`})`;
  const { verdict } = report;
  const problems: string[] = [];
  if (verdict.lost > 0)
    problems.push(
      `${name}: ${verdict.lost} logs of acked records lost, e.g. ${verdict.lostSample.join('; ')}`,
    );
  if (verdict.corrupted > 0) problems.push(`${name}: ${verdict.corrupted} logs stored with other contents`);
  if (verdict.unexpected > 0)
    problems.push(`${name}: ${verdict.unexpected} logs stored that were never sent`);
  if (verdict.misnamedRefusals > 0)
    problems.push(
      `${name}: ${verdict.misnamedRefusals} quarantine entries of refused logs ` +
        `${report.flusher === undefined ? 'name a pipeline flusher' : `do not name the flusher ${report.flusher}`}`,
    );
  return problems;
}
