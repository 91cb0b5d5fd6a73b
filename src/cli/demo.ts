import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileFlusher } from '../flushers/file/FileFlusher.ts';
import { decodeLogGroupList } from '../protocol/decodeLogGroup.ts';
import { encodeLogGroupList } from '../protocol/encodeLogGroup.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { consoleContext } from './consoleContext.ts';

/** Generate web access logs, push them through the codec and the file flusher, say where they landed. */
export async function runDemo(_args: string[]): Promise<void> {
  const directory = join(process.cwd(), '.demo-output');
  await rm(directory, { recursive: true, force: true });
  const groups: LogGroup[] = Array.from({ length: 3 }, (_, g) => ({
    topic: 'nginx-access',
    source: `10.0.0.${g + 1}`,
    logTags: [{ key: '__hostname__', value: `web-${g + 1}` }],
    logs: Array.from({ length: 5 }, (_, i) => ({
      time: 1_764_000_000 + i,
      timeNs: i * 1_000_000,
      contents: [
        { key: 'method', value: i % 2 ? 'POST' : 'GET' },
        { key: 'path', value: `/api/items/${i}` },
        { key: 'status', value: i === 4 ? '500' : '200' },
      ],
    })),
  }));
  const bytes = encodeLogGroupList(groups);
  const decoded = decodeLogGroupList(bytes);
  const flusher = new FileFlusher({ directory });
  await flusher.init(consoleContext());
  await flusher.flush('demo', 'nginx', 'demo-config', decoded, { recordIds: ['demo-1'] });
  await flusher.stop();
  console.log(`encoded ${groups.length} LogGroups into ${bytes.length} bytes, flushed ${decoded.length} groups`);
  console.log(`output: ${directory}`);
}
