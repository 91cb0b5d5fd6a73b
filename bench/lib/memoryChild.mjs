// Child process of the memory benchmark (bench/memory.ts), in plain JavaScript so it runs on bare
// `node` with nothing else loaded: a loader such as tsx leaves megabytes of free heap behind that
// the invocation would reuse, hiding its growth.
//
// A fresh process imports the bundled Kinesis function (configured by its environment, as in
// Lambda), runs full GCs and reads its idle RSS, resets its peak, then, like the runtime, reads and
// parses the event JSON and handles it once. Prints one JSON line: idle RSS, RSS once the event is
// parsed, peak RSS (VmHWM) from the event's arrival to the answer, all from /proc/self/status
// (never ru_maxrss, which a child inherits from its parent: NOTES.md), the whole process's peak
// (its import included: what a Lambda function's memory size must hold), and the invocation's time.
//
// Usage: node --expose-gc bench/lib/memoryChild.mjs <bundle.mjs> <event.json>
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [bundlePath, eventPath] = process.argv.slice(2);
if (bundlePath === undefined || eventPath === undefined)
  throw new Error('usage: memoryChild <bundle> <event>');
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

/** VmRSS and VmHWM of this process, in bytes. */
function memory() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** Reset VmHWM to the current RSS (Linux ≥ 4.0); false when the kernel refuses. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const { handler } = await import(pathToFileURL(bundlePath).href);
const deadline = Date.now() + 60_000;
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'bench-memory',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-memory',
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/bench-memory',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

globalThis.gc();
await sleep(50);
globalThis.gc();
const idle = memory();
const peakWasReset = resetPeak();
const started = performance.now();
const event = JSON.parse(readFileSync(eventPath, 'utf8'));
const parsed = memory();
const response = await handler(event, context);
const ms = performance.now() - started;
const after = memory();
process.stdout.write(
  `${JSON.stringify({
    idleRss: idle.rss,
    parsedRss: parsed.rss,
    peakRss: peakWasReset ? after.hwm : Math.max(after.hwm, idle.hwm),
    peakWasReset,
    processPeakRss: Math.max(idle.hwm, after.hwm),
    ms,
    failures: response.batchItemFailures.length,
  })}\n`,
);
