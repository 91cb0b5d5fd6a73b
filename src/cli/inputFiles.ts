import { constants } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { type Compression, compressionOf, decompress } from '../input/decompress.ts';
import { decodeLogGroupList } from '../protocol/decodeLogGroup.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { decodeLogGroupListJson } from '../protocol/logGroupJson.ts';
import { describeError } from '../shared/describeError.ts';
import { locateJsonError } from './jsonError.ts';

/** A file given on the command line cannot be used: its message names the file and what is wrong. */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'InputFileError';
  }
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** Read a file named on the command line; failures become an {@link InputFileError}. */
export async function readInputFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(path, (code && FILE_PROBLEMS[code]) ?? `cannot read: ${describeError(error)}`);
  }
}

/** `text` without a leading byte order mark (editors on Windows write one; JSON.parse refuses it). */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Why `text` is not JSON, as `invalid JSON at line 3 column 5: unexpected 'x'`. */
export function jsonProblem(text: string, error: unknown, where = ''): string {
  const location = locateJsonError(text);
  if (location === undefined) return `invalid JSON${where}: ${(error as Error).message}`;
  const at = where
    ? `${where} column ${location.column}`
    : ` at line ${location.line} column ${location.column}`;
  return `invalid JSON${at}: ${location.problem}`;
}

/** Parse JSON text, or throw an {@link InputFileError} naming the line and column of the mistake. */
export function parseJsonFile(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputFileError(path, text.trim() === '' ? 'empty file, not JSON' : jsonProblem(text, error));
  }
}

/** Read a Lambda event file: JSON, an object with a `Records` array. */
export async function readEventFile(path: string): Promise<unknown> {
  const event = parseJsonFile(path, withoutBom((await readInputFile(path)).toString('utf8')));
  if (
    typeof event !== 'object' ||
    event === null ||
    !Array.isArray((event as { Records?: unknown }).Records)
  ) {
    throw new InputFileError(path, 'not a Lambda SQS or Kinesis event: no "Records" array');
  }
  return event;
}

/** One JSON-form document (`{"groups": […]}`) or one JSON-form LogGroup, as LogGroups. */
function groupsFromJson(value: unknown): LogGroup[] {
  const list = Array.isArray((value as { groups?: unknown } | null)?.groups) ? value : { groups: [value] };
  return decodeLogGroupListJson(list);
}

/**
 * Read LogGroups from a file in any of three forms: LogGroupList protobuf, the JSON form
 * (`{"groups": […]}`), or JSON Lines (one JSON-form document or one LogGroup per line), each as
 * it is or compressed with gzip or zstd. A file that is none of them, or holds no LogGroup, is an
 * {@link InputFileError} naming the line (and column) or byte where it goes wrong (in the
 * decompressed content, for a compressed file).
 */
export async function readLogGroups(path: string): Promise<LogGroup[]> {
  const file = await readInputFile(path);
  const compression = compressionOf(file);
  const bytes = compression === undefined ? file : decompressed(path, file, compression);
  try {
    const text = withoutBom(bytes.toString('utf8'));
    const groups = text.trimStart().startsWith('{')
      ? readJsonGroups(path, text, bytes)
      : readProtobuf(path, bytes);
    if (groups.length === 0) throw new InputFileError(path, 'holds no LogGroup');
    return groups;
  } catch (error) {
    if (compression === undefined || !(error instanceof InputFileError)) throw error;
    throw new InputFileError(path, `its ${compression} content: ${error.problem}`);
  }
}

/** A gzip or zstd file's content. Its text is read whole: it may not inflate beyond Node's longest string. */
function decompressed(path: string, file: Buffer, compression: Compression): Buffer {
  try {
    const content = decompress(file, compression, constants.MAX_STRING_LENGTH);
    return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  } catch (error) {
    throw new InputFileError(path, `cannot read it as ${compression}: ${(error as Error).message}`);
  }
}

function readProtobuf(path: string, bytes: Uint8Array): LogGroup[] {
  try {
    return decodeLogGroupList(bytes);
  } catch (error) {
    throw new InputFileError(
      path,
      `not a LogGroupList (protobuf), JSON-form or JSON Lines file: ${(error as Error).message}`,
    );
  }
}

function readJsonGroups(path: string, text: string, bytes: Uint8Array): LogGroup[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    const lines = text.split('\n');
    const first = lines.findIndex((line) => line.trim() !== '');
    if (isJson(lines[first]!)) return readJsonLines(path, lines);
    // A protobuf LogGroupList starts with 0x0a, a newline: one whose first group is 123 bytes long
    // reads as "\n{".
    if (bytes[0] === 0x0a) {
      try {
        return decodeLogGroupList(bytes);
      } catch {}
    }
    throw new InputFileError(path, jsonProblem(text, error));
  }
  try {
    return groupsFromJson(whole);
  } catch (error) {
    throw new InputFileError(path, `not a LogGroupList in the JSON form: ${(error as Error).message}`);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function readJsonLines(path: string, lines: string[]): LogGroup[] {
  return lines.flatMap((line, i) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputFileError(path, jsonProblem(line, error, ` at line ${i + 1}`));
    }
    try {
      return groupsFromJson(value);
    } catch (error) {
      throw new InputFileError(
        path,
        `line ${i + 1}: not a LogGroup in the JSON form: ${(error as Error).message}`,
      );
    }
  });
}
