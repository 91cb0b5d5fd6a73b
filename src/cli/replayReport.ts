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

/** Where the progress bar is drawn: a terminal (`isTTY`), or nothing is drawn. */
export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): unknown;
}

const BAR_WIDTH = 30;

/** A stream whose `write` the bar watches: anything written there first ends the bar's line. */
type Watched = { write: (...args: never[]) => unknown };

/**
 * The progress bar, redrawn in place on `stream` (stderr) only when it is a terminal, so logs and
 * CI output stay clean. Whatever else is written to stdout or stderr while the bar is drawn (the
 * handler's warnings, the summary) first ends the bar's line, so nothing is glued onto it; the
 * next update draws the bar again below. {@link Progress.close} ends the line and stops watching.
 */
export class Progress {
  #open = false;
  readonly #originals = new Map<Watched, Watched['write']>();

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly watched: readonly Watched[] = [process.stdout, process.stderr],
  ) {}

  update(done: number, total: number, bytes: number, elapsedMs: number): void {
    if (!this.stream.isTTY) return;
    this.#watch();
    const share = total === 0 ? 1 : done / total;
    const filled = Math.round(share * BAR_WIDTH);
    const rate = elapsedMs > 0 ? ((bytes * share) / 1e6 / (elapsedMs / 1000)).toFixed(1) : '0.0';
    this.#write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} records ${rate} MB/s`,
    );
    this.#open = true;
  }

  /** End the bar's line, if one is drawn. */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#write('\n');
  }

  /** End the bar's line and stop watching stdout and stderr. */
  close(): void {
    this.end();
    for (const [stream, write] of this.#originals) stream.write = write;
    this.#originals.clear();
  }

  #write(text: string): void {
    const original = this.#originals.get(this.stream as Watched);
    if (original) Reflect.apply(original, this.stream, [text]);
    else this.stream.write(text);
  }

  #watch(): void {
    if (this.#originals.size > 0) return;
    for (const stream of this.watched) {
      const write = stream.write;
      this.#originals.set(stream, write);
      stream.write = ((...args: never[]) => {
        this.end();
        return Reflect.apply(write, stream, args);
      }) as Watched['write'];
    }
  }
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
