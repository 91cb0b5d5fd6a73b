import type { LaneReport } from './ChaosReport.ts';
import { ChaosDestination } from './lanes.ts';
import type { ChaosReport } from './runChaos.ts';

/** A plain-text table: right-aligned numbers, left-aligned text; an empty cell fits either. */
export function formatTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly (string | number)[]>,
): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const numeric = headers.map((_, c) => rows.every((row) => typeof row[c] === 'number' || row[c] === ''));
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
    report.lanes.flatMap(laneRows),
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
  const services = report.lanes.flatMap((lane) => lane.services);
  const totals = {
    lost: services.reduce((sum, service) => sum + service.verdict.lost, 0),
    duplicateLogs: services.reduce((sum, service) => sum + service.verdict.duplicateLogs, 0),
    quarantined: report.lanes.reduce((sum, lane) => sum + lane.verdict.quarantined, 0),
    duplicateQuarantine: report.lanes.reduce((sum, lane) => sum + lane.duplicateQuarantine, 0),
    logs: report.lanes.reduce((sum, lane) => sum + lane.verdict.expectedLogs, 0),
  };
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

/**
 * One row per service a lane writes to: a `both` lane's second row leaves the lane's own numbers
 * (records, invocations, quarantine, …) blank, so columns still add up.
 */
function laneRows(lane: LaneReport): Array<Array<string | number>> {
  return lane.services.map((service, i) => {
    const laneCell = (value: string | number) => (i === 0 ? value : '');
    return [
      lane.lane.source,
      lane.lane.destination === ChaosDestination.both ? `both → ${service.service}` : service.service,
      laneCell(lane.lane.records),
      laneCell(lane.poison),
      laneCell(lane.acked),
      laneCell(lane.invocations.invocations),
      laneCell(Math.max(0, lane.deliveries - lane.lane.records)),
      service.deadlines,
      laneCell(lane.invocations.errors),
      laneCell(lane.invocations.timeouts),
      service.notReady,
      service.verdict.lost,
      service.duplicateObjects === undefined ? 'n/a' : String(service.duplicateObjects),
      service.verdict.duplicateLogs,
      laneCell(lane.verdict.quarantined),
      service.verdict.refusedQuarantined,
      laneCell(seconds(lane.elapsedMs)),
    ];
  });
}
