/**
 * Memory limits (issue 15): the largest Kinesis batch the bundled function completes at 256 MB and
 * 512 MB of function memory, for each destination (S3: s3rver; CloudWatch Logs: the loopback
 * endpoint), found by bisection on the number of records, one fresh process per try, started with
 * the V8 flags Lambda's Node.js runtime derives from the memory size.
 *
 * Not part of a plain `npm run bench` (tens of processes, minutes): `npm run bench -- --only
 * memorylimit`. `--quick` checks one small batch per setting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../infra/bundle.ts';
import { LAMBDA_MAX_PAYLOAD_BYTES } from '../src/cli/recordLimits.ts';
import { encodeLogGroupList } from '../src/protocol/encodeLogGroup.ts';
import { startChildServer } from './lib/childServer.ts';
import { kinesisEvent } from './lib/kinesisBatch.ts';
import {
  FUNCTION_LOGSTORE,
  FUNCTION_PROJECT,
  type MemoryChildCrash,
  type MemoryChildResult,
  runMemoryChild,
  s3FunctionEnv,
} from './lib/memoryChildProcess.ts';
import { benchArgs, progress, report } from './lib/result.ts';
import { startS3rverProcess } from './lib/s3rverProcess.ts';
import { LogSize, sizedLogGroups } from './lib/sizedLogs.ts';
import { round } from './lib/timing.ts';

/** Function memory sizes measured, in MB (Lambda's MB: MiB). */
const MEMORY_SIZES_MB = [256, 512] as const;
/** Records of the issue-7 shape (6 LogGroups × 24 ~1 KB logs, ~190 KB of base64 each). */
const SHAPE = { groupsPerRecord: 6, logsPerGroup: 24 } as const;
/** Distinct records generated; a larger batch repeats them under new sequence numbers. */
const DISTINCT_RECORDS = 32;
/** Search: from 32 records (~6 MB) doubling up to this, then bisection down to a step of this many. */
const SEARCH = { first: 32, max: 1024, resolution: 4 } as const;
const BUCKET = 'bench';

/**
 * The flags AWS Lambda's Node.js runtime bootstrap starts node with for `memoryMb`
 * (`/var/runtime/bootstrap`): young space a tenth of the memory, semi-space half of that, old space
 * the rest, integer MB; plus `--expose-gc` and a larger HTTP header limit.
 */
function lambdaNodeFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/** One try: how a batch of `records` records went. */
interface Attempt {
  records: number;
  dataBytes: number;
  outcome: 'completed' | 'over memory' | 'crashed' | 'records retried';
  processPeakRss: number | undefined;
  detail: string;
}

const { quick } = benchArgs();
const startTime = Math.floor(Date.now() / 1000) - 900;
// Logs of the last quarter hour: the CloudWatch Logs flusher and endpoint refuse events older than 14 days.
const groups = sizedLogGroups({
  seed: 0x3e_3e,
  groups: DISTINCT_RECORDS * SHAPE.groupsPerRecord,
  logsPerGroup: SHAPE.logsPerGroup,
  logBytes: LogSize.typical,
  startTime,
});
const payloads = Array.from({ length: DISTINCT_RECORDS }, (_, i) =>
  encodeLogGroupList(groups.slice(i * SHAPE.groupsPerRecord, (i + 1) * SHAPE.groupsPerRecord)),
);

const dir = mkdtempSync(join(tmpdir(), 'bench-memorylimit-'));
const s3rver = await startS3rverProcess([BUCKET]);
const cwl = await startChildServer<{ url: string }>(
  fileURLToPath(new URL('./lib/cwlEndpointChild.ts', import.meta.url)),
  [String(Date.now())],
);
const destinations = [
  { name: 'S3 (JSON Lines + gzip)', env: s3FunctionEnv(s3rver.endpoint, BUCKET) },
  {
    name: 'CloudWatch Logs',
    env: {
      FLUSHER: 'cloudwatch-logs',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cwl.info.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      PROJECT: FUNCTION_PROJECT,
      LOGSTORE: FUNCTION_LOGSTORE,
      SHUTDOWN_HOOK: 'off',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
  },
] as const;

try {
  await bundle({ outdir: dir });
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  for (const destination of destinations) {
    for (const memoryMb of MEMORY_SIZES_MB) {
      const attempts: Attempt[] = [];
      const attempt = async (records: number) => {
        const result = await tryBatch(records, memoryMb, destination.env);
        attempts.push(result);
        progress(
          `memorylimit: ${destination.name}, ${memoryMb} MB: ${records} records (${(result.dataBytes / 1e6).toFixed(1)} MB): ${result.outcome}${result.processPeakRss === undefined ? '' : `, peak ${round(result.processPeakRss / 2 ** 20)} MiB`}`,
        );
        return result.outcome === 'completed';
      };
      const largest = quick ? ((await attempt(3)) ? 3 : 0) : await search(attempt);
      const best = attempts.find((a) => a.records === largest);
      const firstFailure = attempts
        .filter((a) => a.outcome !== 'completed' && a.records > largest)
        .sort((a, b) => a.records - b.records)[0];
      rows.push([
        destination.name,
        memoryMb,
        lambdaNodeFlags(memoryMb).slice(3).join(' '),
        best === undefined ? 'none' : `${largest} (${(best.dataBytes / 1e6).toFixed(1)} MB)`,
        best === undefined ? '–' : `${(best.dataBytes / LAMBDA_MAX_PAYLOAD_BYTES).toFixed(1)}×`,
        best?.processPeakRss === undefined ? '–' : round(best.processPeakRss / 2 ** 20),
        firstFailure === undefined
          ? `none up to ${SEARCH.max} records`
          : `${firstFailure.records} (${(firstFailure.dataBytes / 1e6).toFixed(1)} MB): ${firstFailure.outcome}${firstFailure.detail ? ` (${firstFailure.detail})` : ''}`,
      ]);
      data.push({ destination: destination.name, memoryMb, largest, attempts });
    }
  }
  report({
    name: 'memorylimit',
    input: `Kinesis batches of the issue-7 shape (records of 6 LogGroups × 24 seeded ~1 KB logs, ~190 KB of base64 each; ${DISTINCT_RECORDS} distinct records repeated under new sequence numbers), logs of the last quarter hour. Each try is a fresh bare \`node\` process (bench/lib/memoryChild.mjs) importing the bundled \`functions/kinesis.mjs\`, with the flags Lambda's Node.js runtime sets for the memory size, \`NODE_OPTIONS=--enable-source-maps\` (serverless.yml) and \`AWS_LAMBDA_FUNCTION_MEMORY_SIZE\` (the runtime's decode budget is an eighth of it), reading and parsing the event JSON and handling it once. A batch completes when the process exits normally with every record acked and its whole-process peak RSS (\`VmHWM\`, import included) within the memory size. Search: ${SEARCH.first} records doubling up to ${SEARCH.max}, then bisection to ${SEARCH.resolution} records.`,
    columns: [
      'destination',
      'memory (MB)',
      'V8 flags (with --expose-gc)',
      'largest batch completed: records (MB of data)',
      '÷ Lambda 6 MB payload',
      'its peak RSS (MiB)',
      'first larger batch that failed, and how',
    ],
    rows,
    notes: quick
      ? ['Quick run: one 3-record batch per setting; checks that the measurement works, measures nothing.']
      : [
          'Lambda delivers at most 6 MB per invocation (its payload limit), so "÷ Lambda 6 MB payload" is the headroom: above 1× every batch Lambda can deliver completes.',
          '"records retried": the function ran out of its decode budget (an eighth of the memory, `MAX_BATCH_DECODED_BYTES`) and handed the rest of the batch back, by design; "over memory": it finished, but its peak RSS was above the memory size (Lambda would have stopped it); "crashed": V8 hit its heap limit.',
        ],
    data,
  });
} finally {
  await cwl.close();
  await s3rver.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Largest number of records that completes: doubling from SEARCH.first, then bisection. */
async function search(completes: (records: number) => Promise<boolean>): Promise<number> {
  let good = 0;
  let bad: number | undefined;
  for (let records = SEARCH.first; records <= SEARCH.max; records *= 2) {
    if (await completes(records)) good = records;
    else {
      bad = records;
      break;
    }
  }
  if (bad === undefined) return good;
  if (good === 0) {
    // Not even ~6 MB: search below it.
    for (let records = SEARCH.first / 2; records >= 1; records = Math.floor(records / 2)) {
      if (await completes(records)) {
        good = records;
        break;
      }
      bad = records;
    }
  }
  while (good > 0 && bad - good > SEARCH.resolution) {
    const middle = Math.floor((good + bad) / 2);
    if (await completes(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

/** Write a batch of `records` records as the runtime gets it and run it in a fresh process. */
async function tryBatch(
  records: number,
  memoryMb: number,
  env: Readonly<Record<string, string>>,
): Promise<Attempt> {
  const { event, base64Bytes } = kinesisEvent(
    Array.from({ length: records }, (_, i) => payloads[i % DISTINCT_RECORDS]!),
  );
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  await cwl.command('reset');
  const result = await runMemoryChild({
    nodeArgs: lambdaNodeFlags(memoryMb),
    bundlePath: join(dir, 'functions/kinesis.mjs'),
    eventFile,
    env: {
      ...env,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
  return { records, dataBytes: base64Bytes, ...outcomeOf(result, memoryMb) };
}

function outcomeOf(
  result: MemoryChildResult | MemoryChildCrash,
  memoryMb: number,
): Pick<Attempt, 'outcome' | 'processPeakRss' | 'detail'> {
  if ('crashed' in result)
    return {
      outcome: 'crashed',
      processPeakRss: undefined,
      detail: `${result.exit}: ${result.stderr.slice(0, 120)}`,
    };
  const peak = result.processPeakRss;
  if (result.failures > 0) return { outcome: 'records retried', processPeakRss: peak, detail: '' };
  if (peak > memoryMb * 2 ** 20)
    return { outcome: 'over memory', processPeakRss: peak, detail: `peak ${round(peak / 2 ** 20)} MiB` };
  return { outcome: 'completed', processPeakRss: peak, detail: '' };
}
