import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { FileFlusher } from '../../src/flushers/file/FileFlusher.ts';
import { safePathSegment } from '../../src/shared/safePathSegment.ts';
import { describeFlusherContract } from '../contract/flusherContract.ts';
import { fakeContext } from '../helpers/fakeContext.ts';
import { aLogGroup } from '../helpers/logGroups.ts';

async function jsonlFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function countLines(root: string): Promise<number> {
  let lines = 0;
  for (const file of await jsonlFiles(root)) {
    lines += (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
  }
  return lines;
}

describeFlusherContract('FileFlusher', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'file-flusher-'));
  return {
    flusher: new FileFlusher({ directory }),
    storedLogs: () => countLines(directory),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});

describe('FileFlusher', () => {
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'file-flusher-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('refuses construction without a directory, naming FILE_DIR', () => {
    expect(() => new FileFlusher({ directory: '' })).toThrow(ConfigError);
    expect(() => new FileFlusher({ directory: '' })).toThrow(/FILE_DIR/);
  });

  it('writes one file per flush under project/logstore, no temp files left', async () => {
    const directory = await newDir();
    const flusher = new FileFlusher({ directory });
    await flusher.init(fakeContext());
    await flusher.flush('shop', 'nginx', 'cfg', [aLogGroup([{ a: '1' }, { a: '2' }])], { recordIds: ['m1'] });
    await flusher.flush('shop', 'app', 'cfg', [aLogGroup([{ b: '1' }])], { recordIds: ['m2'] });
    const files = await jsonlFiles(directory);
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.jsonl'))).toBe(true);
    expect(files.some((f) => f.includes(join('shop', 'nginx')))).toBe(true);
    const nginx = files.find((f) => f.includes('nginx'))!;
    const lines = (await readFile(nginx, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.contents.a)).toEqual(['1', '2']);
    await flusher.stop();
  });

  it('writes a redelivered batch to the same file instead of a second copy', async () => {
    const directory = await newDir();
    const flusher = new FileFlusher({ directory });
    await flusher.init(fakeContext());
    const groups = [aLogGroup([{ a: '1' }])];
    await flusher.flush('p', 's', 'c', groups, { recordIds: ['m1', 'm2'] });
    await flusher.flush('p', 's', 'c', groups, { recordIds: ['m1', 'm2'] });
    expect(await jsonlFiles(directory)).toHaveLength(1);
    await flusher.stop();
  });

  it('keeps hostile routing values inside the root directory', async () => {
    const directory = await newDir();
    const flusher = new FileFlusher({ directory });
    await flusher.init(fakeContext());
    await flusher.flush('../../etc', '/passwd', 'c', [aLogGroup()], { recordIds: ['x'] });
    const files = await jsonlFiles(directory);
    expect(files).toHaveLength(1);
    expect(files[0]!.startsWith(directory)).toBe(true);
    await flusher.stop();
  });

  it('maps distinct unsafe names to distinct safe segments', () => {
    expect(safePathSegment('nginx')).toBe('nginx');
    expect(safePathSegment('a/b')).not.toBe(safePathSegment('a_b'));
    expect(safePathSegment('..')).not.toMatch(/^\.\.?$/);
    expect(safePathSegment('')).toBe('~empty');
    expect(safePathSegment('~empty')).not.toBe('~empty');
  });
});
