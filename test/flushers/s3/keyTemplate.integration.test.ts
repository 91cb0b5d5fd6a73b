import { describe, expect, it } from 'vitest';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import { FEB28_23H, ids, jsonLines, useS3FlusherHarness } from '../../fixtures/s3/s3FlusherHarness.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

const harness = useS3FlusherHarness();
const TEMPLATE = '{project}/{logstore}/{contents.status}/dt={dt}/hour={hour}/';

/** Logs with a unique `id` and the given statuses, all in one hour. */
function statusLogs(statuses: readonly (string | undefined)[], prefix: string): LogGroup {
  return aLogGroup(
    statuses.map((status, i) => ({ id: `${prefix}-${i}`, ...(status === undefined ? {} : { status }) })),
    { time: FEB28_23H },
  );
}

describe('S3_KEY_TEMPLATE against s3rver', () => {
  it('writes one object per value of the template fields, each holding exactly its logs', async () => {
    const { flusher, keyPrefix } = await harness.startFlusher({ keyTemplate: TEMPLATE });
    const groups = [statusLogs(['200', '404', '200', undefined, ''], 'a')];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });

    const objects = await harness.env.readAll(keyPrefix);
    const folders = objects.map((o) => o.key.slice(keyPrefix.length, o.key.lastIndexOf('/') + 1));
    expect(folders.sort()).toEqual([
      'shop/nginx/200/dt=2024-02-28/hour=23/',
      'shop/nginx/404/dt=2024-02-28/hour=23/',
      'shop/nginx/~empty/dt=2024-02-28/hour=23/',
      'shop/nginx/~missing/dt=2024-02-28/hour=23/',
    ]);
    for (const object of objects) {
      const status = object.key.split('/').at(-4);
      for (const line of jsonLines(object)) {
        const value = (line.contents as Record<string, string>).status;
        expect(value === undefined ? '~missing' : value === '' ? '~empty' : value).toBe(status);
      }
    }
    expect(ids(objects).sort()).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
  });

  it('creates no second object when the same records are delivered again, to a fresh environment', async () => {
    const { flusher, keyPrefix } = await harness.startFlusher({ keyTemplate: TEMPLATE });
    const groups = [statusLogs(['200', '500', '200'], 'r')];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });
    const first = await harness.env.keys(keyPrefix);

    const fresh = await harness.startFlusher({ keyTemplate: TEMPLATE, keyPrefix });
    await fresh.flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });
    expect(await harness.env.keys(keyPrefix)).toEqual(first);
    const again = harness.env.proxy.requests.filter(
      (r) => r.key.startsWith(keyPrefix) && r.operation === 'PutObject',
    );
    expect(again.map((r) => r.status)).toEqual([200, 200, 412, 412]);
  });

  it('sends the values beyond S3_MAX_PARTITIONS to one overflow object, losing no log', async () => {
    const { flusher, keyPrefix } = await harness.startFlusher({ keyTemplate: TEMPLATE, maxPartitions: 2 });
    const statuses = Array.from({ length: 40 }, (_, i) => String(200 + (i % 8)));
    await flusher.flush('shop', 'nginx', 'cfg', [statusLogs(statuses, 'o')], { recordIds: ['m1'] });

    const objects = await harness.env.readAll(keyPrefix);
    expect(objects.map((o) => o.key.split('/').at(-4)).sort()).toEqual(['200', '201', '~other']);
    const overflow = objects.find((o) => o.key.includes('/~other/'))!;
    expect(new Set(jsonLines(overflow).map((l) => (l.contents as Record<string, string>).status))).toEqual(
      new Set(['202', '203', '204', '205', '206', '207']),
    );
    expect(ids(objects).sort()).toEqual(statuses.map((_, i) => `o-${i}`).sort());
  });
});
