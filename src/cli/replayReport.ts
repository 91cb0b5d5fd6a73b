/** What a replay did, for its summary table. */
export interface ReplayTotals {
  records: number;
  logs: number;
  bytes: number;
  acked: number;
  retried: number;
  quarantined: number;
  elapsedMs: number;
}

const BAR_WIDTH = 30;

/** Redraw the progress bar on stderr (only on a terminal, so logs and CI output stay clean). */
export function progress(done: number, total: number, bytes: number, elapsedMs: number): void {
  if (!process.stderr.isTTY) return;
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * BAR_WIDTH);
  const rate = elapsedMs > 0 ? ((bytes * share) / 1e6 / (elapsedMs / 1000)).toFixed(1) : '0.0';
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} records ${rate} MB/s`,
  );
  if (done === total) process.stderr.write('\n');
}

export function printSummary(totals: ReplayTotals): void {
  const seconds = totals.elapsedMs / 1000;
  const rows: [string, string][] = [
    ['records', String(totals.records)],
    ['logs', String(totals.logs)],
    ['bytes', String(totals.bytes)],
    ['acked', String(totals.acked)],
    ['retried', String(totals.retried)],
    ['quarantined', String(totals.quarantined)],
    ['elapsed', `${seconds.toFixed(2)} s`],
    ['MB/s', seconds > 0 ? (totals.bytes / 1e6 / seconds).toFixed(2) : '-'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
}
