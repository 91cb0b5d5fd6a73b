import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_TEMPLATE, KeyTemplate } from '../../../src/flushers/s3/keyTemplate.ts';
import {
  type ObjectIdentity,
  objectExtension,
  objectHeaders,
  objectKey,
  partitionRecordIds,
} from '../../../src/flushers/s3/objectLayout.ts';
import { partitionByHour } from '../../../src/flushers/s3/partitionByHour.ts';
import { S3_MAX_KEY_BYTES } from '../../../src/flushers/s3/s3Limits.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

const HOUR = Date.UTC(2023, 11, 17, 8) / 1000 / 3600;

const identity: ObjectIdentity = {
  keyPrefix: 'logs/',
  folder: 'shop/nginx/dt=2023-12-17/hour=08/',
  project: 'shop',
  logstore: 'nginx',
  configName: 'cfg',
  logstoreKey: '',
  format: 'jsonl',
  compression: 'gzip',
  hour: HOUR,
  recordIds: ['m-1', 'm-2'],
  contentSha256: 'a'.repeat(64),
};

describe('objectKey', () => {
  it('is <prefix><folder><32 hex>.<ext>', () => {
    expect(objectKey(identity)).toMatch(
      /^logs\/shop\/nginx\/dt=2023-12-17\/hour=08\/[0-9a-f]{32}\.jsonl\.gz$/,
    );
  });

  it('is the same for the same records and content (a redelivery), and differs when anything else does', () => {
    expect(objectKey({ ...identity, recordIds: [...identity.recordIds] })).toBe(objectKey(identity));
    const variants: Partial<ObjectIdentity>[] = [
      { recordIds: ['m-1'] },
      { recordIds: ['m-2', 'm-1'] },
      { recordIds: ['m-1m', '-2'] },
      { contentSha256: 'b'.repeat(64) },
      { hour: HOUR + 1 },
      { project: 'shop2' },
      { logstore: 'app' },
      { configName: 'other' },
      { logstoreKey: 'k' },
      { format: 'protobuf' },
      { compression: 'zstd' },
    ];
    const keys = new Set([objectKey(identity), ...variants.map((v) => objectKey({ ...identity, ...v }))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('leaves the folder out of the id: the key holds it, and the default layout keeps its ids', () => {
    const other = objectKey({ ...identity, folder: 'shop/nginx/200/dt=2023-12-17/hour=08/' });
    expect(other.split('/').at(-1)).toBe(objectKey(identity).split('/').at(-1));
    expect(other).not.toBe(objectKey(identity));
  });

  it('stays within S3’s key length for the longest prefix and template the configuration allows', () => {
    const template = KeyTemplate.parse(DEFAULT_KEY_TEMPLATE);
    const route = { project: 'x'.repeat(500), logstore: 'y'.repeat(500), configName: '', logstoreKey: '' };
    const key = objectKey({
      ...identity,
      ...route,
      keyPrefix: 'p'.repeat(512),
      folder: template.render(route, Math.floor(0xffff_ffff / 3600), ''),
    });
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(S3_MAX_KEY_BYTES);
  });
});

describe('objectExtension and objectHeaders', () => {
  it('names every format and compression', () => {
    expect(objectExtension('jsonl', 'gzip')).toBe('.jsonl.gz');
    expect(objectExtension('jsonl', 'none')).toBe('.jsonl');
    expect(objectExtension('protobuf', 'zstd')).toBe('.pb.zst');
  });

  it('sets content type, encoding and the log count / first / last time metadata', () => {
    const group = aLogGroup([{ a: '1' }, { a: '2' }, { a: '3' }], { time: 1_700_000_000 });
    const [partition] = partitionByHour([group]);
    expect(objectHeaders(partition!, 'jsonl', 'gzip')).toEqual({
      contentType: 'application/x-ndjson',
      contentEncoding: 'gzip',
      metadata: {
        'log-count': '3',
        'first-log-time': '2023-11-14T22:13:20.000Z',
        'last-log-time': '2023-11-14T22:13:22.000Z',
        format: 'jsonl',
      },
    });
    expect(objectHeaders(partition!, 'protobuf', 'none')).toMatchObject({
      contentType: 'application/x-protobuf',
      contentEncoding: undefined,
    });
  });
});

describe('partitionRecordIds', () => {
  const early = aLogGroup([{ a: '1' }], { time: 0 });
  const late = aLogGroup([{ a: '2' }], { time: 7200 });
  const both = { ...aLogGroup(), logs: [...early.logs, ...late.logs] };

  it('takes the ids of the records whose groups fed the partition, distinct, in order', () => {
    const groups = [early, late, both, early];
    const partitions = partitionByHour(groups);
    const ids = ['r1', 'r2', 'r3', 'r1'];
    expect(partitions.map((p) => partitionRecordIds(p, ids, groups.length))).toEqual([
      ['r1', 'r3'],
      ['r2', 'r3'],
    ]);
    // Repeats next to each other and apart: a record of several groups, then one seen before.
    const again = [early, early, both, early, late];
    expect(
      partitionByHour(again).map((p) => partitionRecordIds(p, ['r1', 'r1', 'r2', 'r1', 'r2'], again.length)),
    ).toEqual([['r1', 'r2'], ['r2']]);
  });

  it('falls back to every id when the lengths disagree, and to undefined without ids', () => {
    const [partition] = partitionByHour([early]);
    expect(partitionRecordIds(partition!, ['x', 'y', 'x'], 1)).toEqual(['x', 'y']);
    expect(partitionRecordIds(partition!, undefined, 1)).toBeUndefined();
    expect(partitionRecordIds(partition!, [], 1)).toBeUndefined();
  });
});
