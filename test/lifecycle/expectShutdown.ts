import { expect } from 'vitest';
import {
  type LambdaEnvironment,
  RUNTIME_SHUTDOWN_BUDGET_MS,
  type ShutdownReport,
} from '../fixtures/lambda-runtime/LambdaEnvironment.ts';

/**
 * The runtime process ended within its part of the shutdown phase: by itself with code 0, or, with
 * a runtime client that blocks `process.exit()` (aws-lambda-ric's native client, see
 * runtimeClients.ts), by Lambda's SIGKILL at the end of the budget.
 */
export function expectRuntimeEndedInBudget(environment: LambdaEnvironment, report: ShutdownReport): void {
  if (environment.runtimeExitsOnSigterm) {
    expect(report.runtime, environment.transcript()).toMatchObject({ killed: false, exit: { code: 0 } });
    expect(report.runtime?.exitedAfterMs).toBeLessThan(RUNTIME_SHUTDOWN_BUDGET_MS);
  } else {
    expect(report.runtime, environment.transcript()).toMatchObject({ killed: true });
  }
}

/** SIGTERM made the flusher urgent, then stopped it, inside the runtime's budget. */
export function expectFlusherStoppedInBudget(environment: LambdaEnvironment, report: ShutdownReport): void {
  const urgent = environment.loggedAt('shutdown: flusher made urgent');
  const stopped = environment.loggedAt('shutdown: flusher stopped');
  expect(urgent, environment.transcript()).toBeGreaterThanOrEqual(report.startedAt);
  expect(stopped).toBeGreaterThanOrEqual(urgent ?? Number.POSITIVE_INFINITY);
  expect((stopped ?? Number.POSITIVE_INFINITY) - report.startedAt).toBeLessThan(RUNTIME_SHUTDOWN_BUDGET_MS);
}
