import { describe, expect, it } from 'vitest';
import { DurableKeys } from '../../../src/shared/DurableKeys.ts';
import { fakeContext } from '../../helpers/fakeContext.ts';
import {
  DAY,
  GROUP,
  labels,
  NOW,
  readEvents,
  STREAM,
  threeBatches,
  timedGroup,
  useLoopbackFlusher,
} from './helpers.ts';

describe('CloudWatchLogsFlusher: redelivered records', () => {
  const h = useLoopbackFlusher();

  it('skips the requests an earlier attempt stored, also from a fresh flusher of the environment', async () => {
    const storedBatches = new DurableKeys();
    const first = await h.start({ CWL_CONCURRENCY: '1', CWL_MAX_ATTEMPTS: '2' }, { storedBatches });
    const times = threeBatches();
    // The first request is stored; the second fails for good (two 503s); the third never starts.
    h.endpoint.schedule(
      'PutLogEvents',
      { kind: 'delay', ms: 0 },
      { kind: 'unavailable' },
      { kind: 'unavailable' },
    );
    await expect(
      first.flush('shop', 'nginx', 'cfg', [timedGroup(times)], { recordIds: ['r1'] }),
    ).rejects.toThrow();
    await first.stop();

    const second = await h.start({ CWL_CONCURRENCY: '1' }, { storedBatches });
    const sent = h.endpoint.count('PutLogEvents');
    await second.flush('shop', 'nginx', 'cfg', [timedGroup(times)], { recordIds: ['r1'] });

    expect(h.endpoint.count('PutLogEvents') - sent).toBe(2);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(times.map(([label]) => label));
    expect(h.context.metricValues.get('CloudWatchLogsEventsAlreadyStored')).toBe(3);
  });

  it('stores every copy of identical logs of one record, even when they fill several requests', async () => {
    const flusher = await h.start({ CWL_CONCURRENCY: '1' });
    // Six identical 600 KB lines at the same second: one per request, all with the same content.
    const big = 'x'.repeat(600_000);
    const group = timedGroup(Array.from({ length: 6 }, (): [string, number] => [big, NOW]));
    await flusher.flush('shop', 'nginx', 'cfg', [group], { recordIds: ['r1'] });
    expect(h.endpoint.count('PutLogEvents')).toBe(6);
    expect(await readEvents(h.client, GROUP, STREAM)).toHaveLength(6);
  });

  it('stores the same logs of one record once per destination, even when they land in one stream', async () => {
    // The stream and message templates leave out configName: both flushes render the same requests.
    const flusher = await h.start();
    const group = timedGroup([['same', NOW]]);
    await flusher.flush('shop', 'nginx', 'cfg-a', [group], { recordIds: ['r1'] });
    await flusher.flush('shop', 'nginx', 'cfg-b', [group], { recordIds: ['r1'] });
    await flusher.flush('shop', 'nginx', 'cfg-b', [group], { recordIds: ['r1'], logstoreKey: 'k' });
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['same', 'same', 'same']);
  });

  it('stores identical logs of different records, and everything again without record ids', async () => {
    const flusher = await h.start();
    const group = timedGroup([['same', NOW]]);
    await flusher.flush('shop', 'nginx', 'cfg', [group], { recordIds: ['r1'] });
    await flusher.flush('shop', 'nginx', 'cfg', [group], { recordIds: ['r2'] });
    await flusher.flush('shop', 'nginx', 'cfg', [group]);
    await flusher.flush('shop', 'nginx', 'cfg', [group]);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['same', 'same', 'same', 'same']);
  });

  it('quarantines what it refuses before sending first: if that fails, nothing is stored', async () => {
    let failing = true;
    const context = fakeContext();
    const quarantine = context.quarantine!;
    const flusher = await h.start(
      {},
      {
        context: {
          ...context,
          quarantine: {
            description: () => 'flaky',
            put: async (entry, signal) => {
              if (failing) throw new Error('quarantine unavailable');
              await quarantine.put(entry, signal);
            },
          },
        },
      },
    );
    const groups = [
      timedGroup([
        ['ok', NOW],
        ['too-old', NOW - 15 * DAY],
      ]),
    ];
    await expect(flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['r1'] })).rejects.toThrow(
      /could not quarantine/,
    );
    expect(h.endpoint.count('PutLogEvents')).toBe(0);

    failing = false;
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['r1'] });
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['ok']);
    expect(context.quarantined.map((q) => q.recordId)).toEqual(['r1']);
  });
});
