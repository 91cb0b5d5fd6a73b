// A throwaway project that installs the packed tarball as a user would: its package.json, a
// package-lock.json derived from the repository's (so `npm ci` installs the tested dependency
// versions from the npm cache `npm ci` filled, without asking the registry), a plain Node script
// and a strict TypeScript consumer. The sources are strings, not files under test/: the
// repository's own type check must not see a project importing 'loggroup-flusher' by name.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

/** What `npm pack --json` says of the tarball. */
export interface PackedTarball {
  readonly path: string;
  readonly integrity: string;
}

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * Type packages a TypeScript user of the library installs: Node's, and the Lambda event types the
 * handlers' signatures use. Same versions as the repository's.
 */
const CONSUMER_TYPES = ['@types/node', '@types/aws-lambda'];

/** Write the consumer project into `dir` (empty), depending on the tarball. */
export async function writeConsumerProject(dir: string, tarball: PackedTarball): Promise<void> {
  const manifest: Manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const lock: { packages: Record<string, LockEntry> } = JSON.parse(
    await readFile(join(root, 'package-lock.json'), 'utf8'),
  );
  const spec = `file:${tarball.path}`;
  const dependencies = { [manifest.name]: spec };
  const devDependencies = Object.fromEntries(
    CONSUMER_TYPES.map((name) => [name, manifest.devDependencies[name] as string]),
  );
  const installed = lockedClosure(lock.packages, [...Object.keys(manifest.dependencies), ...CONSUMER_TYPES]);
  const consumer = { name: 'consumer', version: '1.0.0', private: true, type: 'module' };
  const packageLock = {
    ...consumer,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: consumer.name, version: consumer.version, dependencies, devDependencies },
      [`node_modules/${manifest.name}`]: {
        version: manifest.version,
        resolved: spec,
        integrity: tarball.integrity,
        license: manifest.license,
        dependencies: manifest.dependencies,
        bin: manifest.bin,
        engines: manifest.engines,
      },
      ...installed,
    },
  };
  const files: Record<string, string> = {
    'package.json': json({ ...consumer, dependencies, devDependencies }),
    'package-lock.json': json(packageLock),
    'tsconfig.json': json(CONSUMER_TSCONFIG),
    'consumer.ts': CONSUMER_TS,
    'smoke.mjs': SMOKE_MJS,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

/**
 * The lockfile entries of `names` and everything they depend on, resolved the way Node does
 * (nested `node_modules` first, then up), without the repository's dev flags. Each entry gets its
 * registry tarball URL, so npm finds it by integrity in the cache and needs no packument.
 */
function lockedClosure(
  packages: Record<string, LockEntry>,
  names: readonly string[],
): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const add = (from: string, name: string): void => {
    const key = locate(packages, from, name);
    if (out[key]) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[key] as LockEntry;
    const file = `${name.split('/').pop()}-${entry.version}.tgz`;
    out[key] = { resolved: `https://registry.npmjs.org/${name}/-/${file}`, ...entry };
    for (const dependency of Object.keys(entry.dependencies ?? {})) add(key, dependency);
  };
  for (const name of names) add('', name);
  return out;
}

function locate(packages: Record<string, LockEntry>, from: string, name: string): string {
  for (let base = from; ; ) {
    const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[key]) return key;
    if (base === '')
      throw new Error(`${name} (needed by ${from || 'the package'}) is not in package-lock.json`);
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Strict, and the library's declarations (and its dependencies') are checked too. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['*.ts'],
};

/** Uses the public types the way a Lambda author does; a mistyped export breaks the check. */
const CONSUMER_TS = `import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  ConfigError,
  ConsoleQuarantineSink,
  createKinesisHandler,
  createSqsHandler,
  decodeLogGroupList,
  encodeLogGroupList,
  type Flusher,
  type FlusherContext,
  type FlushOptions,
  type HandlerOptions,
  type LogGroup,
  LogGroupFlusherError,
  type QuarantineEntry,
  type QuarantineSink,
  StdoutFlusher,
} from 'loggroup-flusher';

class CountingFlusher implements Flusher {
  logs = 0;
  async init(_context: FlusherContext): Promise<void> {}
  description(): string {
    return 'counting';
  }
  isReady(): boolean {
    return true;
  }
  async flush(_project: string, _logstore: string, _configName: string, groups: readonly LogGroup[], _options?: FlushOptions): Promise<void> {
    for (const group of groups) this.logs += group.logs.length;
  }
  setUrgent(_flag: boolean): void {}
  async stop(): Promise<void> {}
}

class MemorySink implements QuarantineSink {
  readonly entries: QuarantineEntry[] = [];
  description(): string {
    return 'memory';
  }
  async put(entry: QuarantineEntry): Promise<void> {
    this.entries.push(entry);
  }
}

const group: LogGroup = { logs: [{ time: 1_700_000_000, contents: [{ key: 'msg', value: 'hi' }] }], logTags: [] };
const decoded: LogGroup[] = decodeLogGroupList(encodeLogGroupList([group]));
const firstTime: number | undefined = decoded[0]?.logs[0]?.time;

const options: HandlerOptions = { flusher: () => new CountingFlusher(), quarantine: new MemorySink(), project: 'shop' };
export const sqs: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> = createSqsHandler(options);
export const kinesis = createKinesisHandler({ flusher: new StdoutFlusher(), quarantine: new ConsoleQuarantineSink() });

// @ts-expect-error the quarantine is required: the options are typed, not any
createSqsHandler({ flusher: new StdoutFlusher() });
// @ts-expect-error a LogGroup has no 'message' field
const wrong: LogGroup = { logs: [], logTags: [], message: 'x' };

const error: LogGroupFlusherError = new ConfigError('FLUSHER', 'unknown flusher');
export { error, firstTime, wrong };
`;

/**
 * Plain Node, no loader: imports the package by name, round-trips a LogGroup, and runs the SQS
 * handler on a one-message event with a StdoutFlusher writing to memory. Prints one JSON line of
 * findings, last.
 */
const SMOKE_MJS = `import { PassThrough } from 'node:stream';
import * as library from 'loggroup-flusher';

const { ConfigError, ConsoleQuarantineSink, LogGroupFlusherError, StdoutFlusher, createSqsHandler } = library;
const group = { logs: [{ time: 1700000000, contents: [{ key: 'msg', value: 'hello from the tarball' }] }], topic: 'web', logTags: [] };
const bytes = library.encodeLogGroupList([group]);
const [decoded] = library.decodeLogGroupList(bytes);

const output = new PassThrough();
let written = '';
output.on('data', (chunk) => {
  written += chunk;
});
const handler = createSqsHandler({
  flusher: () => new StdoutFlusher({ stream: output }),
  quarantine: new ConsoleQuarantineSink(),
  project: 'shop',
  logstore: 'web',
  shutdownHook: false,
});
const event = {
  Records: [
    {
      messageId: 'm-1',
      receiptHandle: 'rh-1',
      body: Buffer.from(bytes).toString('base64'),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1700000000001' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:ingest',
      awsRegion: 'us-east-1',
    },
  ],
};
const deadline = Date.now() + 30000;
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'smoke',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/smoke',
  logStreamName: 'smoke',
  getRemainingTimeInMillis: () => deadline - Date.now(),
  done() {},
  fail() {},
  succeed() {},
};
const response = await handler(event, context);
const configError = new ConfigError('FLUSHER', 'unknown');

console.log(
  JSON.stringify({
    node: process.version,
    functions: ['createSqsHandler', 'createKinesisHandler', 'decodeLogGroupList', 'encodeLogGroupList', 'StdoutFlusher', 'ConfigError'].filter(
      (name) => typeof library[name] === 'function',
    ),
    decoded,
    response,
    lines: written.trim().split('\\n').map((line) => JSON.parse(line)),
    configError: { name: configError.name, variable: configError.variable, isLibraryError: configError instanceof LogGroupFlusherError },
  }),
);
`;
