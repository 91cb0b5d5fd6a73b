import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packRecords, readLogGroups, replay } from '../../src/cli/replay.ts';
import { webAccessLogGroups } from '../../src/cli/sampleLogs.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { encodeLogGroupListJson, toLogGroupListJson } from '../../src/protocol/logGroupJson.ts';

async function countOutputLines(directory: string): Promise<number> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  let lines = 0;
  for (const e of entries.filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl'))) {
    lines += (await readFile(join(e.parentPath, e.name), 'utf8')).split('\n').filter(Boolean).length;
  }
  return lines;
}

describe('replay', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'replay-'));
    Object.assign(process.env, { FLUSHER: 'file', FILE_DIR: join(dir, 'out') });
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(async () => {
    process.env = { ...saved };
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads protobuf, the JSON form and JSON Lines alike', async () => {
    const groups = webAccessLogGroups({ groups: 3, logsPerGroup: 2 });
    await writeFile(join(dir, 'a.pb'), encodeLogGroupList(groups));
    await writeFile(join(dir, 'a.json'), encodeLogGroupListJson(groups));
    const lines = groups.map((g) => JSON.stringify(toLogGroupListJson([g]).groups[0])).join('\n');
    await writeFile(join(dir, 'a.jsonl'), lines);
    for (const name of ['a.pb', 'a.json', 'a.jsonl'])
      expect(await readLogGroups(join(dir, name))).toEqual(groups);
  });

  it('packs groups into records under the size limit without losing any', () => {
    const groups = webAccessLogGroups({ groups: 40, logsPerGroup: 10, logBytes: 1000 });
    const records = packRecords(groups, 50_000);
    expect(records.length).toBeGreaterThan(1);
    expect(records.every((r) => r.length <= 50_000)).toBe(true);
  });

  it.each(['kinesis', 'sqs'] as const)(
    'pushes a file through the %s handler and lands every log',
    async (source) => {
      const groups = webAccessLogGroups({
        groups: 60,
        logsPerGroup: 20,
        logBytes: 1000,
        logstores: ['a', 'b'],
      });
      await writeFile(join(dir, 'input.pb'), encodeLogGroupList(groups));
      const totals = await replay({
        input: join(dir, 'input.pb'),
        source,
        batchSize: 5,
        timeoutMs: 30_000,
        retries: 1,
      });
      expect(totals.records).toBeGreaterThan(1);
      expect(totals.acked).toBe(totals.records);
      expect(totals.logs).toBe(1200);
      expect(await countOutputLines(join(dir, 'out'))).toBe(1200);
    },
  );
});
