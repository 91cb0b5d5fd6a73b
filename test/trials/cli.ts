// The long run of the shutdown and deadline trials (issue 8), seeded:
//
//   npx tsx test/trials/cli.ts --shutdown 200 --deadline 40 --seed 7
//   npx tsx test/trials/cli.ts --seed 7 --only shutdown/12 --trace   (replay one trial, with its timeline)
//   npx tsx test/trials/cli.ts --shutdown-timeout-ms 100 …           (the shutdown trials with another SHUTDOWN_TIMEOUT_MS)
//
// Prints one line per trial, then the summary table; exits 1 if any trial broke an invariant.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatTrialTable } from './formatTrialTable.ts';
import { runTrials } from './runTrials.ts';
import { Destination } from './TrialWorld.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    shutdown: { type: 'string', default: '200' },
    deadline: { type: 'string', default: '40' },
    only: { type: 'string', multiple: true },
    destination: { type: 'string' },
    json: { type: 'string' },
    trace: { type: 'boolean', default: false },
    'shutdown-timeout-ms': { type: 'string' },
  },
});

const count = (text: string, name: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got ${text}`);
  return value;
};
const only = values.only;
// A replayed trial needs its index inside the run's range.
const highest = (kind: string) =>
  Math.max(
    -1,
    ...(only ?? []).filter((name) => name.startsWith(`${kind}/`)).map((name) => Number(name.split('/')[1])),
  );
const destination = values.destination;
if (
  destination !== undefined &&
  destination !== Destination.s3 &&
  destination !== Destination.cloudWatchLogs
) {
  throw new Error(`--destination must be s3 or cloudwatch-logs, got ${destination}`);
}

const report = await runTrials({
  seed: count(values.seed, 'seed'),
  shutdownTrials: only === undefined ? count(values.shutdown, 'shutdown') : highest('shutdown') + 1,
  deadlineTrials: only === undefined ? count(values.deadline, 'deadline') : highest('deadline') + 1,
  only,
  destinations: destination === undefined ? undefined : [destination],
  progress: (line) => console.log(line),
  trace: values.trace ? (line) => console.log(line) : undefined,
  shutdownEnv:
    values['shutdown-timeout-ms'] === undefined
      ? undefined
      : { SHUTDOWN_TIMEOUT_MS: String(count(values['shutdown-timeout-ms'], 'shutdown-timeout-ms')) },
});
console.log(`\n${formatTrialTable(report)}`);
// The records themselves (payloads of up to megabytes) are left out of the JSON report.
const withoutPayloads = (key: string, value: unknown) =>
  key === 'records' && Array.isArray(value) ? `${value.length} records` : value;
if (values.json !== undefined) await writeFile(values.json, JSON.stringify(report, withoutPayloads, 2));
const broken = [...report.shutdown, ...report.deadline].some((result) => result.violations.length > 0);
process.exit(broken ? 1 : 0);
