// The package as npm ships it: `npm pack` (whose prepack builds dist/), the tarball installed in a
// throwaway project, then used from plain Node, from a strict TypeScript project and through its
// bin. Catches exports or types pointing at sources, a missing build, files left out of the package.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConsumerProject } from './consumerProject.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const MAX_BUFFER = 64 * 1024 * 1024;

interface PackResult {
  filename: string;
  integrity: string;
  files: { path: string }[];
}

describe('the packed package', () => {
  let work: string;
  let project: string;
  let packedFiles: string[];
  const distExisted = existsSync(join(root, 'dist'));

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'packed-package-'));
    // The build's output goes to stderr with --json; stdout is the JSON report.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      maxBuffer: MAX_BUFFER,
    });
    const [packed] = JSON.parse(stdout) as PackResult[];
    if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
    packedFiles = packed.files.map((file) => file.path);
    project = join(work, 'project');
    await mkdir(project);
    await writeConsumerProject(project, { path: join(work, packed.filename), integrity: packed.integrity });
    // Every package is in the npm cache (`npm ci` put it there): no registry request is made.
    await run('npm', ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: project,
      maxBuffer: MAX_BUFFER,
    });
  }, 180_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
    // prepack built dist/ in the checkout; leave the checkout as it was found.
    if (!distExisted) await rm(join(root, 'dist'), { recursive: true, force: true });
  });

  it('holds the built library, the CLI and Lambda bundles, and no sources or tests', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/loggroup-flusher.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/index.js.map',
        'dist/cli.mjs',
        'dist/functions/sqs.mjs',
        'dist/functions/kinesis.mjs',
        'dist/shutdown-extension-layer/extensions/loggroup-flusher-shutdown',
      ]),
    );
    const typescriptSources = packedFiles.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'));
    expect(typescriptSources).toEqual([]);
    expect(packedFiles.filter((path) => /^(test|src|functions|infra|bench)\//.test(path))).toEqual([]);
  });

  it('imports from plain Node, round-trips a LogGroup and runs the SQS handler', async () => {
    const { stdout } = await run(process.execPath, ['smoke.mjs'], {
      cwd: project,
      env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(result.functions).toEqual([
      'createSqsHandler',
      'createKinesisHandler',
      'decodeLogGroupList',
      'encodeLogGroupList',
      'StdoutFlusher',
      'ConfigError',
    ]);
    expect(result.decoded).toMatchObject({
      topic: 'web',
      logs: [{ time: 1_700_000_000, contents: [{ key: 'msg', value: 'hello from the tarball' }] }],
    });
    expect(result.response).toEqual({ batchItemFailures: [] });
    expect(result.lines).toEqual([
      expect.objectContaining({
        project: 'shop',
        logstore: 'web',
        time: 1_700_000_000,
        contents: { msg: 'hello from the tarball' },
      }),
    ]);
    expect(result.configError).toEqual({ name: 'ConfigError', variable: 'FLUSHER', isLibraryError: true });
  });

  it('type-checks a strict TypeScript project using it, library declarations included', async () => {
    const result = await run(process.execPath, [join(root, 'node_modules/.bin/tsc'), '-p', project], {
      cwd: project,
      maxBuffer: MAX_BUFFER,
    }).catch((error: { stdout: string; code: number }) => error);
    expect(result.stdout).toBe('');
    expect('code' in result ? result.code : 0).toBe(0);
  });

  it('runs its bin from the bundle: usage, then the SQS handler on the sample event', async () => {
    const bin = join(project, 'node_modules/.bin/loggroup-flusher');
    const help = await run(process.execPath, [bin, 'help'], { cwd: project });
    expect(help.stdout).toContain('usage: loggroup-flusher <command>');

    const out = join(work, 'out');
    const { stdout } = await run(
      process.execPath,
      [bin, 'invoke', '--source', 'sqs', '--event', join(root, 'test/events/sqs.json')],
      {
        cwd: project,
        env: {
          PATH: process.env.PATH,
          FLUSHER: 'file',
          FILE_DIR: out,
          PROJECT: 'shop',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
    expect(await readdir(join(out, 'shop'))).toEqual(expect.arrayContaining(['nginx-access', 'checkout']));
  });
});
