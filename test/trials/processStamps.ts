// When the function's process got SIGTERM and when it called exit, by its own clock. The harness
// sees an exit only when its own event loop gets to it (it shares this test process with s3rver,
// and the machine with other work), so its figure is an upper bound; these stamps are the lower
// one. A preload module (`--require`) writes them synchronously to stderr, which adds one SIGTERM
// listener and one exit listener and changes nothing else.
import {
  type LambdaEnvironment,
  RUNTIME_SHUTDOWN_BUDGET_MS,
  type ShutdownReport,
} from '../fixtures/lambda-runtime/LambdaEnvironment.ts';

/** The preload's file name in the task root. */
export const STAMP_MODULE = 'trial-process-stamps.cjs';
const PREFIX = 'TRIAL-STAMP ';

/** The preload (CommonJS, Node built-ins only). */
export const STAMP_SOURCE = `'use strict';
const { writeSync } = require('node:fs');
const stamp = (event) => writeSync(2, '${PREFIX}' + JSON.stringify({ event, at: Date.now() }) + '\\n');
process.on('SIGTERM', () => stamp('sigterm'));
process.on('exit', () => stamp('exit'));
`;

export interface ProcessStamps {
  readonly sigtermAt: number | undefined;
  readonly exitAt: number | undefined;
}

/** The runtime's stamps (the last of each). */
export function processStamps(environment: LambdaEnvironment): ProcessStamps {
  let sigtermAt: number | undefined;
  let exitAt: number | undefined;
  for (const line of environment.logs) {
    if (line.source !== 'runtime' || !line.text.startsWith(PREFIX)) continue;
    const stamp = JSON.parse(line.text.slice(PREFIX.length)) as { event: string; at: number };
    if (stamp.event === 'sigterm') sigtermAt = stamp.at;
    if (stamp.event === 'exit') exitAt = stamp.at;
  }
  return { sigtermAt, exitAt };
}

/** How the runtime process ended after SIGTERM. */
export interface RuntimeExit {
  /** SIGTERM → `exit` called, by the function's clock (the harness's send time and the stamp share the machine clock). */
  readonly calledMs: number | undefined;
  /** SIGTERM → the harness saw the process gone (an upper bound: includes the harness's own delays). */
  readonly observedMs: number | undefined;
  /** Ended by itself with code 0 (not by SIGKILL, even when the harness's SIGKILL timer fired late). */
  readonly byItself: boolean;
  /** Ended by itself, code 0, and called exit within the runtime's budget. */
  readonly inBudget: boolean;
}

export function runtimeExit(environment: LambdaEnvironment, report: ShutdownReport): RuntimeExit {
  const runtime = report.runtime;
  const { exitAt } = processStamps(environment);
  const calledMs = exitAt === undefined ? undefined : exitAt - report.startedAt;
  const byItself = runtime !== undefined && runtime.exit.code === 0 && runtime.exit.signal === null;
  return {
    calledMs,
    observedMs: runtime?.exitedAfterMs,
    byItself,
    inBudget: byItself && calledMs !== undefined && calledMs < RUNTIME_SHUTDOWN_BUDGET_MS,
  };
}
