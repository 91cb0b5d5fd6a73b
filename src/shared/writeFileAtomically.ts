import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Write `text` to `directory/name` so that a reader sees either nothing or the whole file, and it
 * survives a crash once this resolves: temp file, fsync, rename, fsync of the directory. Each
 * call has its own temp file, so concurrent writes of one name never mix: the last rename wins.
 */
export async function writeFileAtomically(
  directory: string,
  name: string,
  text: string,
  signal?: AbortSignal,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const temp = join(directory, `.${name}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const file = await open(temp, 'w');
    try {
      await file.writeFile(text, signal ? { signal } : {});
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, join(directory, name));
    const dir = await open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
