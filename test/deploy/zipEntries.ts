// Reads a zip file's central directory (enough to check deployment artifacts without an unzip
// dependency): each entry's name, Unix mode and content.
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/** End of central directory record signature, and the central directory file header's. */
const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIZE = 30;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;

export interface ZipEntry {
  readonly name: string;
  /** Unix permission bits (from the external attributes), e.g. 0o755. */
  readonly mode: number;
  content(): Buffer;
}

export async function zipEntries(path: string): Promise<Map<string, ZipEntry>> {
  const zip = await readFile(path);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== EOCD_SIGNATURE) eocd--;
  if (eocd < 0) throw new Error(`${path}: not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_HEADER_SIGNATURE)
      throw new Error(`${path}: bad central directory`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const externalAttributes = zip.readUInt32LE(offset + 38);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.set(name, {
      name,
      mode: (externalAttributes >>> 16) & 0o7777,
      content: () => {
        const localName = zip.readUInt16LE(localOffset + 26);
        const localExtra = zip.readUInt16LE(localOffset + 28);
        const start = localOffset + LOCAL_HEADER_SIZE + localName + localExtra;
        const data = zip.subarray(start, start + compressedSize);
        if (method === METHOD_STORED) return Buffer.from(data);
        if (method === METHOD_DEFLATED) return inflateRawSync(data);
        throw new Error(`${name}: compression method ${method}`);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
