import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PoisonReason } from '../../src/errors.ts';
import { FileQuarantineSink } from '../../src/quarantine/FileQuarantineSink.ts';
import type { QuarantineEntry } from '../../src/quarantine/QuarantineSink.ts';
import { aQuarantineEntry } from '../helpers/quarantineEntries.ts';

/** What CloudWatch Logs refused of record msg-1, as its flusher quarantines it. */
function entry(payload: string): QuarantineEntry {
  return aQuarantineEntry(payload, {
    reason: PoisonReason.rejectedByDestination,
    detail: 'refused by CloudWatch Logs',
    source: 'cloudwatch-logs',
    recordId: 'msg-1',
  });
}

describe('FileQuarantineSink', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'quarantine-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function stored(): Promise<Array<Record<string, string>>> {
    const names = (await readdir(directory)).filter((name) => name.endsWith('.json'));
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(directory, name), 'utf8'))));
  }

  it('keeps two parts of one record refused for the same reason as two files', async () => {
    const sink = new FileQuarantineSink(directory);
    await sink.put(entry('too old'));
    await sink.put(entry('too new'));
    const payloads = (await stored()).map((doc) => Buffer.from(doc.payloadBase64!, 'base64').toString());
    expect(payloads.sort()).toEqual(['too new', 'too old']);
  });

  it('replaces its own file when the same entry is quarantined again', async () => {
    const sink = new FileQuarantineSink(directory);
    await sink.put(entry('bad bytes'));
    await sink.put(entry('bad bytes'));
    expect(await stored()).toHaveLength(1);
  });

  it('leaves a whole, valid file when the same entry is written concurrently', async () => {
    const sink = new FileQuarantineSink(directory);
    const big = 'x'.repeat(4 * 1024 * 1024);
    await Promise.all(Array.from({ length: 4 }, () => sink.put(entry(big))));
    const documents = await stored();
    expect(documents).toHaveLength(1);
    expect(Buffer.from(documents[0]!.payloadBase64!, 'base64').toString()).toBe(big);
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
