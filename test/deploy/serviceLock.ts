// One serverless command at a time per service directory, across vitest's worker processes.
// serverless-esbuild copies every `package` run's zips into the service's own `.serverless/`
// before osls moves them to `--package DIR`, so two runs at once take or delete each other's
// (seen as "ENOENT … .serverless/kinesis.zip" when template test files ran side by side).
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock older than the longest serverless run was left by a worker that died holding it. */
const STALE_LOCK_MS = 300_000;
const RETRY_MS = 100;

/**
 * Run `command` holding the lock of `serviceDir` (a directory made atomically under its ignored
 * `.esbuild/`), released however `command` ends.
 *
 * @example
 * ```ts
 * const run = await withServiceLock(REPO_ROOT, () => execServerless(['package']));
 * ```
 */
export async function withServiceLock<T>(serviceDir: string, command: () => Promise<T>): Promise<T> {
  const lock = join(serviceDir, '.esbuild', 'serverless.lock');
  await mkdir(join(serviceDir, '.esbuild'), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(lock).then(
        (held) => Date.now() - held.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await sleep(RETRY_MS);
    }
  }
  try {
    return await command();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
