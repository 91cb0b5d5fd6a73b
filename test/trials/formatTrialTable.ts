// The summary printed at the end of a run: one row per kind of trial, then the figures behind it.
import { availableParallelism } from 'node:os';
import type { RuntimeExit } from './processStamps.ts';
import type { TrialRunReport } from './runTrials.ts';

function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const ms = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value)} ms`;
const called = (exit: RuntimeExit) => exit.calledMs ?? Number.POSITIVE_INFINITY;
const observed = (exit: RuntimeExit) => exit.observedMs ?? Number.POSITIVE_INFINITY;
/** "exit called / process gone" figures, in ms after SIGTERM. */
const both = (exits: readonly RuntimeExit[], pick: (values: number[]) => number | undefined) =>
  `${ms(pick(exits.map(called)))} / ${ms(pick(exits.map(observed)))}`;
const max = (values: number[]) => (values.length === 0 ? undefined : Math.max(...values));

export function formatTrialTable(report: TrialRunReport): string {
  const { shutdown, deadline } = report;
  const lines = [
    `Shutdown and deadline trials, seed ${report.seed}, ${Math.round(report.durationMs / 1000)} s, ` +
      `load average ${report.load.map((load) => load.toFixed(1)).join(' → ')} on ${availableParallelism()} cores` +
      (Object.keys(report.shutdownEnv).length > 0
        ? `, shutdown trials with ${JSON.stringify(report.shutdownEnv)}`
        : ''),
    '',
    '| kind | trials | exits within budget | max exit latency (exit called / process gone) | lost | open uploads | deadline answers late |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  if (shutdown.length > 0) {
    const exits = shutdown.map((r) => r.exit);
    lines.push(
      `| SIGTERM, S3 | ${shutdown.length} | ${exits.filter((e) => e.inBudget).length} | ${both(exits, max)} | ` +
        `${shutdown.reduce((n, r) => n + r.lost.length, 0)} | ` +
        `${shutdown.reduce((n, r) => n + r.openUploads.length, 0)} | — |`,
    );
  }
  if (deadline.length > 0) {
    const exits = deadline.map((r) => r.exit);
    lines.push(
      `| stalled destination, then idle shutdown | ${deadline.length} | ${exits.filter((e) => e.inBudget).length} | ` +
        `${both(exits, max)} | ${deadline.reduce((n, r) => n + r.lost.length, 0)} | — | ` +
        `${deadline.filter((r) => !r.answeredInTime).length} |`,
    );
  }
  lines.push('');
  if (shutdown.length > 0) {
    const busy = shutdown.filter((r) => r.midInvocation);
    const idle = shutdown.filter((r) => !r.midInvocation);
    const p = (q: number) => (values: number[]) => quantile(values, q);
    lines.push(
      `SIGTERM: ${busy.length} mid-invocation (${shutdown.filter((r) => r.midMultipart).length} mid-multipart), ` +
        `${idle.length} between invocations; SIGKILLed ${shutdown.filter((r) => !r.exit.byItself).length}`,
      `  exit called / process gone, ms after SIGTERM: mid-invocation p50 ${both(
        busy.map((r) => r.exit),
        p(0.5),
      )}, ` +
        `p95 ${both(
          busy.map((r) => r.exit),
          p(0.95),
        )}; between invocations p95 ${both(
          idle.map((r) => r.exit),
          p(0.95),
        )}`,
      `  hook started after SIGTERM: max ${ms(max(shutdown.map((r) => r.hook.signalToHookMs ?? 0)))}; ` +
        `harness event-loop lag during shutdowns: p95 ${ms(
          quantile(
            shutdown.map((r) => r.harnessLagMs),
            0.95,
          ),
        )}, ` +
        `max ${ms(max(shutdown.map((r) => r.harnessLagMs)))}`,
      `  acked records ${shutdown.reduce((n, r) => n + r.acked, 0)}; logs missing after redelivery ` +
        `${shutdown.reduce((n, r) => n + r.missingAfterRedelivery.length, 0)}; duplicate logs ` +
        `${shutdown.reduce((n, r) => n + r.duplicates, 0)}; uploads closed only by an abort answered after the exit ` +
        `${shutdown.reduce((n, r) => n + r.abortsAnsweredAfterExit, 0)}`,
    );
  }
  if (deadline.length > 0) {
    const margins = deadline.flatMap((r) => (r.marginMs === undefined ? [] : [r.marginMs]));
    const count = <T>(values: readonly T[], pick: (r: (typeof deadline)[number]) => T) =>
      values.map((value) => `${value} ${deadline.filter((r) => pick(r) === value).length}`).join(', ');
    lines.push(
      `Deadline: answered with min ${ms(Math.min(...margins))} left (p5 ${ms(quantile(margins, 0.05))}); ` +
        `${deadline.filter((r) => r.reported > 0).length} answers reported records; exactness checked on ` +
        `${deadline.filter((r) => r.strict).length}/${deadline.length}`,
      `  by destination: ${count(['s3', 'cloudwatch-logs'], (r) => r.plan.destination)}; ` +
        `by source: ${count(['sqs', 'sqs-fifo', 'kinesis'], (r) => r.plan.source)}`,
    );
  }
  const failed = [
    ...shutdown.map((r) => ({ name: `shutdown/${r.plan.trial}`, violations: r.violations })),
    ...deadline.map((r) => ({ name: `deadline/${r.plan.trial}`, violations: r.violations })),
  ].filter((trial) => trial.violations.length > 0);
  lines.push(
    '',
    failed.length === 0 ? 'No invariant violated.' : `${failed.length} trials broke an invariant:`,
  );
  for (const { name, violations } of failed) {
    lines.push(`- ${name} (replay: npx tsx test/trials/cli.ts --seed ${report.seed} --only ${name} --trace)`);
    for (const violation of violations)
      lines.push(`    ${violation.invariant}: ${violation.detail.slice(0, 500)}`);
  }
  return lines.join('\n');
}
