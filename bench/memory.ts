/**
 * Memory benchmark (issue 7, item 6): peak RSS of a fresh process handling the ~6 MB Kinesis batch
 * with the bundled function (`FLUSHER=s3`, JSONL + gzip, s3rver on loopback in another process),
 * above its idle RSS (function imported, event parsed). Measured in the child from
 * /proc/self/status (`VmHWM` reset to the current RSS just before the invocation), never with
 * `ru_maxrss`, which a child inherits from its parent.
 *
 * Run through the runner: `npm run bench -- --only memory` (add `--quick` for a smoke run).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../infra/bundle.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decodePayload, InputFormat } from '../src/input/decodePayload.ts';
import { describeBatch, kinesisBatch, QUICK_BATCH, SIX_MB_BATCH } from './lib/kinesisBatch.ts';
import { type MemoryChildResult, runMemoryChild, s3FunctionEnv } from './lib/memoryChildProcess.ts';
import { benchArgs, progress, report } from './lib/result.ts';
import { listKeys } from './lib/s3Objects.ts';
import { s3rverClient, startS3rverProcess } from './lib/s3rverProcess.ts';
import { median, round } from './lib/timing.ts';

/** Issue 7 target: peak above idle at most this many times the batch size. */
const TARGET_RATIO = 4;
const BUCKET = 'bench';
const MB = 1e6;

/** V8 settings compared: the default, and a small young generation (Lambda `NODE_OPTIONS`). */
const SETTINGS = [
  { label: 'Node defaults', args: [] as string[] },
  { label: '`--max-semi-space-size=1`', args: ['--max-semi-space-size=1'] },
] as const;

const { quick } = benchArgs();
const processes = quick ? 1 : 5;
const batch = kinesisBatch(quick ? QUICK_BATCH : SIX_MB_BATCH);
if (existsSync('/proc/self/status')) await measure();
else {
  report({
    name: 'memory',
    input: 'Not measured: this system has no /proc/self/status (the measurement needs Linux).',
    columns: ['result'],
    rows: [['not measured']],
    notes: [],
  });
}

async function measure(): Promise<void> {
  const heldBytes = heldBatchBytes(false);
  const objectBytes = heldBatchBytes(true);
  const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  const server = await startS3rverProcess([BUCKET]);
  try {
    await bundle({ outdir: dir });
    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(batch.event));
    // A first invocation has costs that do not grow with the batch (the SDK's first request,
    // code compiled on first use): a 3-record batch shows them.
    const tinyEventFile = join(dir, 'tiny-event.json');
    writeFileSync(tinyEventFile, JSON.stringify(kinesisBatch(QUICK_BATCH).event));
    progress(`memory: ${describeBatch(batch)}; ${processes} fresh process(es) per setting, interleaved`);

    const results = new Map<string, MemoryChildResult[]>(SETTINGS.map((setting) => [setting.label, []]));
    const tinyResults = new Map<string, MemoryChildResult[]>(SETTINGS.map((setting) => [setting.label, []]));
    for (let i = 0; i < processes; i++) {
      for (const setting of SETTINGS) {
        for (const [file, into] of [
          [eventFile, results],
          [tinyEventFile, tinyResults],
        ] as const) {
          const result = await runChild(
            setting.args,
            join(dir, 'functions/kinesis.mjs'),
            file,
            server.endpoint,
          );
          if (result.failures > 0)
            throw new Error(`the function reported ${result.failures} failed record(s)`);
          into.get(setting.label)!.push(result);
        }
      }
    }
    const inspect = s3rverClient(server.endpoint);
    const objects = (await listKeys(inspect, BUCKET, '')).length;
    inspect.destroy();
    if (objects === 0) throw new Error('the function wrote nothing to s3rver');

    const mb = (bytes: number) => round(bytes / MB);
    const of = (label: string, figure: (r: MemoryChildResult) => number) =>
      median(results.get(label)!.map(figure));
    const above = (label: string) => of(label, (r) => r.peakRss - r.idleRss);
    const handling = (label: string) => of(label, (r) => r.peakRss - r.parsedRss);
    const fixedCost = (label: string) => median(tinyResults.get(label)!.map((r) => r.peakRss - r.parsedRss));
    const ratio = (bytes: number) => `${(bytes / batch.base64Bytes).toFixed(2)}×`;
    const main = SETTINGS[0].label;
    const verdict = above(main) / batch.base64Bytes <= TARGET_RATIO ? 'met' : '**not met**';
    report({
      name: 'memory',
      input: `${describeBatch(batch)}. The bundled \`functions/kinesis.mjs\` (FLUSHER=s3, JSONL + gzip; s3rver in another process) imported by a fresh bare \`node --expose-gc\` process (bench/lib/memoryChild.mjs), which runs full GCs, reads its idle RSS, resets \`VmHWM\`, then reads and parses the event JSON as the runtime does and handles it once; median of ${processes} processes per setting.`,
      columns: [
        'V8 setting',
        'idle RSS (MB)',
        'peak RSS (MB)',
        'peak above idle (MB)',
        '÷ batch',
        'of which event JSON (MB)',
        'handler alone (MB)',
        '÷ batch',
        'first invocation (ms)',
        'handler alone, 3-record batch (MB)',
      ],
      rows: SETTINGS.map(({ label }) => [
        label,
        mb(of(label, (r) => r.idleRss)),
        mb(of(label, (r) => r.peakRss)),
        mb(above(label)),
        ratio(above(label)),
        mb(of(label, (r) => r.parsedRss - r.idleRss)),
        mb(handling(label)),
        ratio(handling(label)),
        round(of(label, (r) => r.ms)),
        mb(fixedCost(label)),
      ]),
      notes: [
        ...(quick
          ? [
              'Quick run (tiny batch, one process per setting): checks that the measurement works; no figure here is a measurement.',
            ]
          : [
              `Peak above idle with Node's defaults: **${ratio(above(main))} the ${mb(batch.base64Bytes)} MB batch** (target ≤ ${TARGET_RATIO}×: ${verdict}); per process ${results
                .get(main)!
                .map((r) => mb(r.peakRss - r.idleRss))
                .join(', ')} MB. "Handler alone" starts from the RSS once the event is parsed.`,
            ]),
        `The batch as the runtime holds it until the flush is durable (LogGroups whose logs are still protobuf bytes) takes ${mb(heldBytes)} MB (${ratio(heldBytes)} the batch); decoded to \`Log\` objects it would take ${mb(objectBytes)} MB (${ratio(objectBytes)}). Measured in this process: heap and ArrayBuffer bytes in use after full GCs, with and without the batch held.`,
        `Fixed part: a first invocation on a 3-record batch already takes ${mb(fixedCost(main))} MB above the parsed event (Node's defaults), and the parsed event takes ${mb(of(main, (r) => r.parsedRss - r.idleRss))} MB: together ${ratio(fixedCost(main) + of(main, (r) => r.parsedRss - r.idleRss))} the batch before any work that grows with it.`,
        [...results.values()].flat().every((r) => r.peakWasReset)
          ? '`VmHWM` was reset before each event (`/proc/self/clear_refs`), so the peak is the invocation’s own.'
          : '`/proc/self/clear_refs` was refused: the peak is the whole process’s (startup included), an overestimate.',
      ],
      data: {
        results: Object.fromEntries(results),
        batchBytes: batch.base64Bytes,
        protobufBytes: batch.protobufBytes,
        heldBytes,
        objectBytes,
        tinyResults: Object.fromEntries(tinyResults),
      },
    });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bytes the decoded batch occupies (heap and ArrayBuffers: the kept payload bytes are the latter),
 * after full GCs with it held, minus without; `asObjects` decodes every group's logs to objects.
 */
function heldBatchBytes(asObjects: boolean): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (the runner does)');
  const decode = () =>
    batch.event.Records.map((record) => {
      const { groups } = decodePayload(Buffer.from(record.kinesis.data, 'base64'), {
        format: InputFormat.auto,
        maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
      });
      if (asObjects) for (const group of groups) void group.logs;
      return groups;
    });
  const inUse = () => {
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  decode(); // compile the decoder first, so code does not count as data
  gc();
  gc();
  const before = inUse();
  const held = decode();
  gc();
  gc();
  const after = inUse();
  if (held.length !== batch.records) throw new Error('decoded the wrong number of records');
  return after - before;
}

async function runChild(
  v8Args: readonly string[],
  bundlePath: string,
  eventFile: string,
  endpoint: string,
): Promise<MemoryChildResult> {
  const result = await runMemoryChild({
    nodeArgs: [...v8Args, '--expose-gc'],
    bundlePath,
    eventFile,
    env: s3FunctionEnv(endpoint, BUCKET),
  });
  if ('crashed' in result)
    throw new Error(`memory child exited with ${result.exit}: ${result.stderr.slice(0, 200)}`);
  return result;
}
