import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPartitionObject } from '../../../src/flushers/s3/buildPartitionObject.ts';
import { s3Config } from '../../../src/flushers/s3/config.ts';
import {
  DEFAULT_KEY_TEMPLATE,
  KeyTemplate,
  MISSING_VALUE,
  OVERFLOW_VALUE,
} from '../../../src/flushers/s3/keyTemplate.ts';
import { partitionByHour, SECONDS_PER_HOUR, sliceLogs } from '../../../src/flushers/s3/partitionByHour.ts';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import { logGroups } from '../../helpers/arbitraries.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

const FEB28_23H = Date.UTC(2024, 1, 28, 23) / 1000;
const route = { project: 'shop', logstore: 'nginx', configName: 'cfg', logstoreKey: 'k' };
const at = (iso: string) => Date.parse(iso) / 1000 / SECONDS_PER_HOUR;

describe('the default key template', () => {
  // Keys the flusher wrote before key templates existed (computed with that code, same input): a
  // redelivery after an upgrade must find the object it wrote then.
  const before = [
    [
      'shop',
      'nginx',
      'jsonl',
      'logs/shop/nginx/dt=2024-02-28/hour=23/2ff2f27e76307b57bc7279ac4a99b2a4.jsonl.gz',
    ],
    [
      'shop',
      'nginx',
      'jsonl',
      'logs/shop/nginx/dt=2024-02-29/hour=00/d09b25687a5ca7b192ee01771654244a.jsonl.gz',
    ],
    [
      'shop',
      'nginx',
      'protobuf',
      'logs/shop/nginx/dt=2024-02-28/hour=23/9411053f16084d7f571d39371969e82e.pb.zst',
    ],
    [
      'shop',
      'nginx',
      'protobuf',
      'logs/shop/nginx/dt=2024-02-29/hour=00/4c1c7a0fc8ad02362e4c2c2dd93c396c.pb.zst',
    ],
    [
      '../etc',
      'a/b c',
      'jsonl',
      'logs/__etc~f7f9121f/a_b_c~0af99a60/dt=2024-02-28/hour=23/c430cfa79697d63e617bbe7087950a95.jsonl.gz',
    ],
    [
      '../etc',
      'a/b c',
      'protobuf',
      'logs/__etc~f7f9121f/a_b_c~0af99a60/dt=2024-02-29/hour=00/ad5867ace282e0b2fa4f91239a09e0f2.pb.zst',
    ],
  ] as const;
  const groups: LogGroup[] = [
    {
      logs: [
        {
          time: FEB28_23H + 10,
          timeNs: 5,
          contents: [
            { key: 'status', value: '200' },
            { key: 'msg', value: 'é中 "q"' },
          ],
        },
        { time: FEB28_23H + 3600 + 5, contents: [{ key: 'status', value: '404' }] },
      ],
      topic: 'access',
      source: '10.0.0.1',
      logTags: [{ key: 'env', value: 'prod' }],
    },
    { logs: [{ time: FEB28_23H + 20, contents: [{ key: 'status', value: '500' }] }], logTags: [] },
  ];

  it('gives exactly the keys of the layout before templates', async () => {
    const config = (format: 'jsonl' | 'protobuf') =>
      s3Config({
        bucket: 'b',
        keyPrefix: 'logs/',
        format,
        compression: format === 'jsonl' ? 'gzip' : 'zstd',
      });
    expect(config('jsonl').keyTemplate).toBe(DEFAULT_KEY_TEMPLATE);
    const keys: string[] = [];
    for (const [project, logstore, format] of [
      ['shop', 'nginx', 'jsonl'],
      ['shop', 'nginx', 'protobuf'],
      ['../etc', 'a/b c', 'jsonl'],
      ['../etc', 'a/b c', 'protobuf'],
    ] as const) {
      const job = { ...route, project, logstore, groups, recordIds: ['m1', 'm2'], nonce: 'n' };
      const folders = { template: KeyTemplate.parse(DEFAULT_KEY_TEMPLATE), route: job, maxValues: 20 };
      for (const partition of partitionByHour(groups, folders)) {
        const object = await buildPartitionObject(
          job,
          partition,
          config(format),
          new AbortController().signal,
        );
        keys.push(object.key);
      }
    }
    expect(keys).toEqual(expect.arrayContaining(before.map(([, , , key]) => key)));
  });

  it('renders UTC date and zero-padded hour, Hive style, and routing values as safe segments', () => {
    const template = KeyTemplate.parse(DEFAULT_KEY_TEMPLATE);
    expect(template.level).toBe('hour');
    expect(template.render(route, at('1970-01-01T00:00:00Z'), '')).toBe('shop/nginx/dt=1970-01-01/hour=00/');
    expect(template.render(route, at('2024-02-29T23:00:00Z'), '')).toBe('shop/nginx/dt=2024-02-29/hour=23/');
    expect(template.render(route, Math.floor(0xffff_ffff / 3600), '')).toBe(
      'shop/nginx/dt=2106-02-07/hour=06/',
    );
    const hostile = template.render({ ...route, project: '../etc', logstore: '' }, 0, '');
    expect(hostile.split('/').slice(0, 2)).toEqual([expect.stringMatching(/^__etc~[0-9a-f]{8}$/), '~empty']);
  });
});

describe('KeyTemplate fields', () => {
  const group = aLogGroup([], {
    topic: 'access',
    source: '10.0.0.1',
    category: undefined,
    logTags: [
      { key: 'env', value: 'staging' },
      { key: 'env', value: 'prod' },
    ],
  });

  it('renders every kind of field, the last value of a duplicated key, and a marker for a missing one', () => {
    const template = KeyTemplate.parse(
      '{configName}/{logstoreKey}/{topic}/{source}/{category}/{tags.env}/{tags.none}/' +
        '{contents.status}/{contents.path}/{contents.empty}/y={year}/m={month}/d={day}/',
    );
    expect(template.level).toBe('log');
    const values = template.values(group, [
      { key: 'status', value: '500' },
      { key: 'status', value: '200' },
      { key: 'path', value: '/a b' },
      { key: 'empty', value: '' },
    ]);
    expect(template.render(route, at('2024-02-29T23:00:00Z'), values)).toBe(
      `cfg/k/access/10.0.0.1/${MISSING_VALUE}/prod/${MISSING_VALUE}/200/` +
        `${values.split('/')[6]}/~empty/y=2024/m=02/d=29/`,
    );
    expect(values.split('/')[6]).toMatch(/^_a_b~[0-9a-f]{8}$/);
    expect(template.overflowValues.split('/')).toEqual(Array(8).fill(OVERFLOW_VALUE));
  });

  it('describes its layout for people, the default exactly as the flusher always did', () => {
    expect(KeyTemplate.parse(DEFAULT_KEY_TEMPLATE).describe()).toBe(
      '<project>/<logstore>/dt=YYYY-MM-DD/hour=HH/',
    );
    expect(
      KeyTemplate.parse('{source}/{tags.host}/s={contents.status}/{year}/{month}/{day}/').describe(),
    ).toBe('<source>/<tags.host>/s=<contents.status>/YYYY/MM/DD/');
  });

  it('knows which level its fields need', () => {
    expect(KeyTemplate.parse('{project}/{dt}/').level).toBe('hour');
    expect(KeyTemplate.parse('{project}/{tags.env}/').level).toBe('group');
    expect(KeyTemplate.parse('{topic}/{contents.level}/').level).toBe('log');
  });

  it.each([
    ['{project}/{logstore}', /must end with "\/"/],
    ['/{project}/', /must not start with "\/"/],
    ['{project/', /"\{" at 0 is not closed/],
    ['{project}}/', /"}" at 9 closes no "\{"/],
    ['{pro{ject}/', /"\{" at 0 is not closed/],
    ['{status}/', /unknown field \{status\}; known: project/],
    ['{contents.}/', /unknown field \{contents\.\}/],
    ['{}/', /unknown field \{\}/],
    ['{project}//{dt}/', /empty, "\." or "\.\." folder/],
    ['a/../{dt}/', /empty, "\." or "\.\." folder \("\.\."\)/],
    ['a\n/', /control characters/],
  ])('refuses %j', (text, problem) => {
    expect(() => KeyTemplate.parse(text)).toThrow(problem);
  });

  it('never renders longer than maxBytes, whatever the values', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 300 });
    fc.assert(
      fc.property(
        text,
        text,
        text,
        text,
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (a, b, topic, value, time) => {
          const template = KeyTemplate.parse(
            'x/{project}/{logstore}/{topic}/{tags.t}/{contents.c}/{dt}-{hour}/',
          );
          const values = template.values(aLogGroup([], { topic, logTags: [{ key: 't', value }] }), [
            { key: 'c', value },
          ]);
          const rendered = template.render(
            { ...route, project: a, logstore: b },
            Math.floor(time / 3600),
            values,
          );
          expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(template.maxBytes);
          expect(
            rendered.split('/').every((segment, i, all) => i === all.length - 1 || segment.length > 0),
          ).toBe(true);
        },
      ),
    );
  });
});

describe('partitionByHour with a key template', () => {
  const template = KeyTemplate.parse('{project}/{tags.host}/{contents.status}/dt={dt}/hour={hour}/');

  it('puts every log in one partition whose folder its own fields render, within the limit', () => {
    fc.assert(
      fc.property(logGroups, fc.integer({ min: 1, max: 4 }), (groups, maxValues) => {
        const partitions = partitionByHour(groups, { template, route, maxValues });
        const placed = partitions.flatMap((p) => p.slices.flatMap((s) => sliceLogs(s)));
        expect(placed).toHaveLength(groups.reduce((n, g) => n + g.logs.length, 0));
        const distinct = new Set<string>();
        for (const partition of partitions) {
          expect(new Set(partitions.map((p) => `${p.hour} ${p.folder}`)).size).toBe(partitions.length);
          for (const slice of partition.slices) {
            for (const log of sliceLogs(slice)) {
              const values = template.values(slice.group, log.contents);
              distinct.add(values);
              const own = template.render(route, partition.hour, values);
              const overflow = template.render(route, partition.hour, template.overflowValues);
              expect([own, overflow]).toContain(partition.folder);
              expect(Math.floor(log.time / SECONDS_PER_HOUR)).toBe(partition.hour);
            }
          }
        }
        const hours = new Set(partitions.map((p) => p.hour));
        for (const hour of hours) {
          expect(partitions.filter((p) => p.hour === hour).length).toBeLessThanOrEqual(maxValues + 1);
        }
        // The overflow object exists only when there were more distinct values than the limit.
        if (distinct.size <= maxValues) {
          expect(partitions.some((p) => p.folder.includes(OVERFLOW_VALUE))).toBe(false);
        }
      }),
    );
  });

  it('keeps the first values seen apart and sends the rest to the overflow partition, deterministically', () => {
    const statuses = ['200', '404', '500', '200', '301', '404'];
    const group = aLogGroup(
      statuses.map((status, i) => ({ status, id: String(i) })),
      { time: FEB28_23H, logTags: [{ key: 'host', value: 'web-1' }] },
    );
    const folders = { template, route, maxValues: 2 };
    const partitions = partitionByHour([group], folders);
    const byFolder = partitions.map((p) => [
      p.folder,
      p.slices.flatMap((s) => sliceLogs(s).map((log) => log.contents[1]!.value)),
    ]);
    expect(byFolder).toEqual([
      ['shop/web-1/200/dt=2024-02-28/hour=23/', ['0', '3']],
      ['shop/web-1/404/dt=2024-02-28/hour=23/', ['1', '5']],
      ['shop/~other/~other/dt=2024-02-28/hour=23/', ['2', '4']],
    ]);
    expect(partitionByHour([group], folders)).toEqual(partitions);
  });
});
