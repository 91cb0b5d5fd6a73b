import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StdoutFlusher } from '../../src/flushers/stdout/StdoutFlusher.ts';
import { describeFlusherContract } from '../contract/flusherContract.ts';
import { fakeContext } from '../helpers/fakeContext.ts';
import { aLogGroup } from '../helpers/logGroups.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describeFlusherContract('StdoutFlusher', async () => {
  const out = capture();
  return { flusher: new StdoutFlusher({ stream: out.stream }), storedLogs: async () => out.lines().length };
});

describe('StdoutFlusher', () => {
  it('writes one JSON line per log in the shared line shape', async () => {
    const out = capture();
    const flusher = new StdoutFlusher({ stream: out.stream });
    await flusher.init(fakeContext());
    await flusher.flush('shop', 'nginx', 'cfg', [aLogGroup([{ status: '200' }, { status: '404' }])]);
    expect(out.lines().map((line) => JSON.parse(line))).toEqual([
      {
        time: 1_700_000_000,
        timeNs: 0,
        project: 'shop',
        logstore: 'nginx',
        topic: 'access',
        source: '10.0.0.1',
        tags: { __hostname__: 'web-1' },
        contents: { status: '200' },
      },
      expect.objectContaining({ time: 1_700_000_001, timeNs: 1000, contents: { status: '404' } }),
    ]);
    await flusher.stop();
  });
});
