import type { ChaosReport } from './runChaos.ts';

/** A plain-text table: right-aligned numbers, left-aligned text. */
export function formatTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly (string | number)[]>,
): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const numeric = headers.map((_, c) => rows.every((row) => typeof row[c] === 'number'));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (numeric[c] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...cells.slice(1).map(line)].join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The run's tables (Markdown-compatible) and its verdict. */
export function formatChaosReport(report: ChaosReport): string {
  const lanes = formatTable(
    [
      'source',
      'destination',
      'records',
      'poison',
      'acked',
      'invocations',
      'redeliveries',
      'deadlines',
      'errors',
      'timeouts',
      'not ready',
      'lost',
      'dup objects',
      'dup logs',
      'quarantined',
      'refused logs',
      'elapsed',
    ],
    report.lanes.map((lane) => [
      lane.lane.source,
      lane.lane.destination,
      lane.lane.records,
      lane.poison,
      lane.acked,
      lane.invocations.invocations,
      Math.max(0, lane.deliveries - lane.lane.records),
      lane.deadlines,
      lane.invocations.errors,
      lane.invocations.timeouts,
      lane.notReady,
      lane.verdict.lost,
      lane.duplicateObjects === undefined ? 'n/a' : String(lane.duplicateObjects),
      lane.verdict.duplicateLogs,
      lane.verdict.quarantined,
      lane.verdict.refusedQuarantined,
      seconds(lane.elapsedMs),
    ]),
  );
  const faults = formatTable(
    ['destination', 'requests', 'faults', 'share', 'by kind'],
    report.faults.map((fault) => [
      fault.destination,
      fault.requests,
      fault.total,
      `${((100 * fault.total) / Math.max(1, fault.requests)).toFixed(1)} %`,
      Object.entries(fault.injected)
        .sort(([, a], [, b]) => b - a)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', '),
    ]),
  );
  const late = report.lanes.reduce((sum, lane) => sum + lane.invocations.lateAnswers, 0);
  const maxLate = Math.max(0, ...report.lanes.map((lane) => lane.invocations.maxLateMs));
  const totals = report.lanes.reduce(
    (sum, lane) => ({
      lost: sum.lost + lane.verdict.lost,
      duplicateLogs: sum.duplicateLogs + lane.verdict.duplicateLogs,
      quarantined: sum.quarantined + lane.verdict.quarantined,
      duplicateQuarantine: sum.duplicateQuarantine + lane.duplicateQuarantine,
      logs: sum.logs + lane.verdict.expectedLogs,
    }),
    { lost: 0, duplicateLogs: 0, quarantined: 0, duplicateQuarantine: 0, logs: 0 },
  );
  const thrown = report.lanes.flatMap((lane) =>
    lane.invocations.errorSamples.map((error) => `- ${lane.lane.name} threw: ${error}`),
  );
  const summary = [
    ...(thrown.length > 0 ? ['invocations that threw (the whole batch was retried):', ...thrown] : []),
    `seed ${report.seed}, ${report.records} records (${totals.logs} logs), ${seconds(report.elapsedMs)}: ` +
      `${totals.lost} lost, ${totals.duplicateLogs} duplicate logs, ${totals.quarantined} poison records quarantined ` +
      `(${totals.duplicateQuarantine} quarantine events stored twice)`,
    `answers after the function timeout (counted as timeouts): ${late}${late > 0 ? ` (latest by ${Math.round(maxLate)} ms)` : ''}; ` +
      `event-loop delay of the shared process: p99 ${report.eventLoopDelayMs.p99} ms, max ${report.eventLoopDelayMs.max} ms`,
    report.problems.length === 0 ? 'PASS' : `FAIL\n${report.problems.map((p) => `- ${p}`).join('\n')}`,
  ];
  return [lanes, '', faults, '', ...summary].join('\n');
}
