// Runs osls (the Serverless Framework fork in node_modules) the way CI does: no login, dummy
// credentials, and every AWS endpoint pointed at a closed loopback port, so a command that tried
// to reach AWS would fail at once instead of passing on a machine with network access.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PSEUDO, type Template } from './cloudFormation.ts';
import { withServiceLock } from './serviceLock.ts';

export const REPO_ROOT = join(import.meta.dirname, '../..');
const SERVERLESS = join(REPO_ROOT, 'node_modules/osls/bin/serverless.js');

/** Nothing listens on port 9 (discard) of the loopback: connections are refused. */
const UNREACHABLE_AWS = 'http://127.0.0.1:9';

export interface ServerlessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run osls with `args`, one run at a time in this repository (serviceLock.ts); killed (and failed)
 * after `timeoutMs` when given, so a hang fails the test.
 */
export function runServerless(args: readonly string[], timeoutMs?: number): Promise<ServerlessRun> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? REPO_ROOT,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: UNREACHABLE_AWS,
    SLS_TELEMETRY_DISABLED: '1',
  };
  return withServiceLock(REPO_ROOT, () => execServerless(args, env, timeoutMs));
}

function execServerless(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number | undefined,
): Promise<ServerlessRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SERVERLESS, ...args],
      { cwd: REPO_ROOT, env, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The stage every template test packages. */
export const STAGE = 'ci';

/** `serverless package` of stage {@link STAGE} into `dir`, offline, with `--param` for each of `params`. */
export function packageArgs(dir: string, params: readonly string[]): string[] {
  return [
    'package',
    '--stage',
    STAGE,
    '--region',
    PSEUDO['AWS::Region'],
    '--package',
    dir,
    ...params.flatMap((param) => ['--param', param]),
  ];
}

/**
 * `serverless package` of stage {@link STAGE} into `dir` with `params`; the compiled template, or a
 * thrown error with serverless's output when packaging failed.
 */
export async function packageTemplate(dir: string, params: readonly string[]): Promise<Template> {
  const run = await runServerless(packageArgs(dir, params));
  if (run.code !== 0)
    throw new Error(`serverless package failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
}
