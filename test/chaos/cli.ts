// `npm run chaos`: the long seeded chaos run. Flags: --seed N, --records N,
// --source sqs,sqs-fifo,kinesis, --destination s3,cloudwatch-logs,both (both: one pipeline with
// an S3 and a CloudWatch Logs flusher), --fault-rate 0.2,
// --timeout-ms 1000-3000 (the function's timeout, drawn per invocation).
// Prints the tables and exits non-zero when any invariant was broken.
import { parseArgs } from 'node:util';
import { formatChaosReport } from './formatChaosReport.ts';
import { ChaosDestination, ChaosSource } from './lanes.ts';
import { CHAOS_DEFAULTS, runChaos } from './runChaos.ts';

function list<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  flag: string,
): T[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((value) => value.trim());
  for (const value of values) {
    if (!allowed.includes(value as T))
      throw new Error(`--${flag}: ${value} is not one of ${allowed.join(', ')}`);
  }
  return values as T[];
}

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag}: ${text} is not a number`);
  return value;
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    records: { type: 'string' },
    source: { type: 'string' },
    destination: { type: 'string' },
    'fault-rate': { type: 'string' },
    'timeout-ms': { type: 'string' },
  },
});
function range(text: string | undefined, flag: string): { min: number; max: number } | undefined {
  if (text === undefined) return undefined;
  const [min, max] = text.split('-').map((part) => number(part, flag) ?? Number.NaN);
  const bounds = { min: min ?? Number.NaN, max: max ?? min ?? Number.NaN };
  if (!(bounds.min >= 0 && bounds.max >= bounds.min)) throw new Error(`--${flag}: ${text} is not MIN-MAX`);
  return bounds;
}

const seed = number(values.seed, 'seed') ?? Math.floor(Math.random() * 2 ** 31);
process.stderr.write(`chaos run, seed ${seed}\n`);
const report = await runChaos({
  seed,
  records: number(values.records, 'records') ?? CHAOS_DEFAULTS.records,
  sources: list(values.source, Object.values(ChaosSource), 'source'),
  destinations: list(values.destination, Object.values(ChaosDestination), 'destination'),
  faultRate: number(values['fault-rate'], 'fault-rate'),
  timeoutMs: range(values['timeout-ms'], 'timeout-ms'),
  onProgress: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${formatChaosReport(report)}\n`);
process.exit(report.problems.length === 0 ? 0 : 1);
