import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputFileError, readLogGroups } from '../../src/cli/inputFiles.ts';
import {
  KINESIS_MAX_RECORD_BYTES,
  maxPayloadBytes,
  packRecords,
  SQS_MAX_MESSAGE_BYTES,
  splitLogGroup,
} from '../../src/cli/recordLimits.ts';
import { replay } from '../../src/cli/replay.ts';
import { webAccessLogGroups } from '../../src/cli/sampleLogs.ts';
import { decodeLogGroupList } from '../../src/protocol/decodeLogGroup.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { encodeLogGroupListJson, toLogGroupListJson } from '../../src/protocol/logGroupJson.ts';

async function outputLines(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const lines: string[] = [];
  for (const e of entries.filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl'))) {
    lines.push(...(await readFile(join(e.parentPath, e.name), 'utf8')).split('\n').filter(Boolean));
  }
  return lines;
}

/** One LogGroup of about `bytes` bytes: ~1 KB logs with one tag set. */
function bigGroup(bytes: number): LogGroup {
  return webAccessLogGroups({ groups: 1, logsPerGroup: Math.ceil(bytes / 1000), logBytes: 1000 })[0]!;
}

describe('the record limits', () => {
  it("are the sources' documented limits, as named constants", () => {
    expect(KINESIS_MAX_RECORD_BYTES).toBe(1024 * 1024);
    expect(SQS_MAX_MESSAGE_BYTES).toBe(256 * 1024);
    // SQS carries protobuf as base64: the largest payload whose base64 fits the body.
    expect(Buffer.alloc(maxPayloadBytes('sqs')).toString('base64').length).toBe(SQS_MAX_MESSAGE_BYTES);
    expect(maxPayloadBytes('kinesis')).toBeLessThanOrEqual(KINESIS_MAX_RECORD_BYTES - 256);
  });

  it('split a 2 MB LogGroup into Kinesis records of at most 1 MiB that hold every log once, in order', () => {
    const group = bigGroup(2_200_000);
    expect(encodeLogGroupList([group]).length).toBeGreaterThan(2_000_000);
    const records = packRecords([group], maxPayloadBytes('kinesis'));
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const record of records) expect(record.length).toBeLessThanOrEqual(maxPayloadBytes('kinesis'));
    const pieces = records.flatMap((record) => decodeLogGroupList(record));
    for (const piece of pieces) {
      expect({ ...piece, logs: [] }).toEqual({ ...group, logs: [] }); // same metadata and tags
    }
    expect(pieces.flatMap((piece) => piece.logs)).toEqual(group.logs);
  });

  it('leave a group that fits alone, and fill each record close to the limit', () => {
    const small = webAccessLogGroups({ groups: 3, logsPerGroup: 2 });
    expect(splitLogGroup(small[0]!, 10_000)).toEqual([small[0]]);
    const groups = webAccessLogGroups({ groups: 40, logsPerGroup: 10, logBytes: 1000 });
    const records = packRecords(groups, 50_000);
    expect(records.length).toBeGreaterThan(1);
    expect(records.every((r) => r.length <= 50_000)).toBe(true);
    expect(records.slice(0, -1).every((r) => r.length > 40_000)).toBe(true);
    expect(records.flatMap((r) => decodeLogGroupList(r))).toEqual(groups);
  });

  it('refuse a single log too large for any record, naming it', () => {
    const groups = webAccessLogGroups({ groups: 2, logsPerGroup: 3 });
    groups[1]!.logs[2]!.contents.push({ key: 'blob', value: 'x'.repeat(300_000) });
    expect(() => packRecords(groups, maxPayloadBytes('sqs'))).toThrow(
      /^log 3 of LogGroup 2 alone encodes to \d+ bytes, more than one record carries \(196608 bytes\)$/,
    );
    expect(packRecords(groups, maxPayloadBytes('kinesis'))).toHaveLength(1);
  });
});

describe('reading an input file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'replay-input-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads protobuf, the JSON form and JSON Lines alike', async () => {
    const groups = webAccessLogGroups({ groups: 3, logsPerGroup: 2 });
    await writeFile(join(dir, 'a.pb'), encodeLogGroupList(groups));
    await writeFile(join(dir, 'a.json'), JSON.stringify(toLogGroupListJson(groups), null, 2));
    const lines = groups.map((g) => JSON.stringify(toLogGroupListJson([g]).groups[0])).join('\n');
    await writeFile(join(dir, 'a.jsonl'), `${lines}\n`);
    await writeFile(
      join(dir, 'b.jsonl'),
      `${encodeLogGroupListJson(groups.slice(0, 2))}\n\n${lines.split('\n')[2]}`,
    );
    for (const name of ['a.pb', 'a.json', 'a.jsonl', 'b.jsonl'])
      expect(await readLogGroups(join(dir, name))).toEqual(groups);
  });

  it('reads each form compressed with gzip or zstd too', async () => {
    const groups = webAccessLogGroups({ groups: 3, logsPerGroup: 2 });
    const forms = {
      pb: encodeLogGroupList(groups),
      json: Buffer.from(encodeLogGroupListJson(groups)),
      jsonl: Buffer.from(groups.map((g) => JSON.stringify(toLogGroupListJson([g]).groups[0])).join('\n')),
    };
    for (const [form, bytes] of Object.entries(forms)) {
      await writeFile(join(dir, `a.${form}.gz`), gzipSync(bytes));
      await writeFile(join(dir, `a.${form}.zst`), zstdCompressSync(bytes));
      expect(await readLogGroups(join(dir, `a.${form}.gz`))).toEqual(groups);
      expect(await readLogGroups(join(dir, `a.${form}.zst`))).toEqual(groups);
    }
    await writeFile(join(dir, 'cut.pb.gz'), gzipSync(forms.pb).subarray(0, 40));
    const error = await readLogGroups(join(dir, 'cut.pb.gz')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toContain(`${join(dir, 'cut.pb.gz')}: cannot read it as gzip: `);
    // Lines and bytes named in a problem are the decompressed content's.
    await writeFile(join(dir, 'bad.json.gz'), gzipSync('{"groups": [\n}'));
    const bad = await readLogGroups(join(dir, 'bad.json.gz')).catch((e: unknown) => e);
    expect((bad as Error).message).toContain(
      `${join(dir, 'bad.json.gz')}: its gzip content: invalid JSON at line 2`,
    );
  });

  it.each([
    ['missing.pb', null, 'no such file'],
    ['empty.pb', '', 'holds no LogGroup'],
    [
      'doc.json',
      '{\n  "groups": [\n    {"logs": [}\n  ]\n}',
      'invalid JSON at line 3 column 15: unexpected "}"',
    ],
    ['cut.json', '{"groups": [', 'invalid JSON at line 1 column 13: unexpected end of file'],
    [
      'lines.jsonl',
      '{"logs": []}\n{"logs": []}\n{"logs": [1,]}\n',
      'invalid JSON at line 3 column 13: unexpected "]"',
    ],
    [
      'shape.json',
      '{"groups": [{"logs": [{"time": "x"}]}]}',
      'not a LogGroupList in the JSON form: groups[0].logs[0].time',
    ],
    ['noise.pb', '\u0007not protobuf', 'not a LogGroupList (protobuf), JSON-form or JSON Lines file: '],
  ])('names the file and the problem: %s', async (name, content, problem) => {
    const path = join(dir, name);
    if (content !== null) await writeFile(path, content);
    const error = await readLogGroups(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toContain(`${path}: ${problem}`);
  });
});

describe('replay', () => {
  let dir: string;
  const saved = { ...process.env };
  let output: string[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'replay-'));
    Object.assign(process.env, {
      FLUSHER: 'file',
      FILE_DIR: join(dir, 'out'),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    output = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => output.push(`stdout:${text}\n`));
    vi.spyOn(console, 'error').mockImplementation((text: string) => output.push(`stderr:${text}\n`));
  });
  afterEach(async () => {
    process.env = { ...saved };
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
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
      expect(await outputLines(join(dir, 'out'))).toHaveLength(1200);
      expect(output.join('')).not.toContain('not acked');
    },
  );

  it('replays a 2 MB LogGroup as Kinesis records of at most 1 MiB, and every log lands once', async () => {
    const group = bigGroup(2_200_000);
    await writeFile(join(dir, 'big.pb'), encodeLogGroupList([group]));
    const totals = await replay({
      input: join(dir, 'big.pb'),
      source: 'kinesis',
      batchSize: 100,
      timeoutMs: 30_000,
      retries: 0,
    });
    expect(totals.records).toBeGreaterThanOrEqual(2);
    expect(totals.acked).toBe(totals.records);
    const ids = (await outputLines(join(dir, 'out'))).map(
      (line) => JSON.parse(line).contents.request_id as string,
    );
    expect(ids.sort()).toEqual(
      group.logs.map((log) => log.contents.find((c) => c.key === 'request_id')!.value).sort(),
    );
  });

  it('ends the progress line before anything else is printed, and says how many records were not acked', async () => {
    // The project directory is a plain file: every flush fails, nothing is ever acked, and the
    // handler logs a warning for each failure (on stdout, as Powertools does).
    process.env.FILE_DIR = dir;
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    await writeFile(join(dir, 'default'), 'not a directory');
    await writeFile(
      join(dir, 'input.pb'),
      encodeLogGroupList(webAccessLogGroups({ groups: 4, logsPerGroup: 150, logBytes: 1000 })),
    );
    for (const name of ['stdout', 'stderr'] as const) {
      vi.spyOn(process[name], 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(`${name}:${chunk}`);
        return true;
      });
    }
    const terminal = { isTTY: true, write: (text: string) => output.push(text) };
    const totals = await replay({
      input: join(dir, 'input.pb'),
      source: 'sqs',
      batchSize: 1,
      timeoutMs: 30_000,
      retries: 1,
      progress: terminal,
    });
    expect(totals.records).toBe(4);
    expect(totals.acked).toBe(0);
    // Whatever else was printed (the handler's warnings, the summary) starts on a line of its own.
    const printed = output.flatMap((chunk, i) => (/^std(out|err):/.test(chunk) ? [i] : []));
    expect(output.filter((chunk) => chunk.includes('"level":"WARN"')).length).toBeGreaterThan(0);
    for (const i of printed) expect(output.slice(0, i).join('')).toMatch(/(^|\n)$/);
    const text = output.join('');
    const bar = text.lastIndexOf('\r[');
    const summary = text.indexOf('stdout:records');
    expect(bar).toBeGreaterThanOrEqual(0);
    expect(summary).toBeGreaterThan(bar);
    // The bar's last redraw is ended by a newline before the summary starts.
    expect(text.slice(bar, summary)).toMatch(/^\r\[\.+\] 0\/4 records [\d.]+ MB\/s\n$/);
    expect(text.slice(summary)).toContain('stderr:4 records not acked (of 4, after 1 retry)\n');
  });
});
