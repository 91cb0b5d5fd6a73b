import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { PoisonReason } from '../../../src/errors.ts';
import type { S3Config } from '../../../src/flushers/s3/config.ts';
import { createS3Destination } from '../../../src/flushers/s3/createS3Destination.ts';
import { parseObjectTags } from '../../../src/flushers/s3/objectSettings.ts';
import { S3_MIN_PART_SIZE_BYTES } from '../../../src/flushers/s3/s3Limits.ts';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import type { ProxiedRequest } from '../../fixtures/s3/S3TestProxy.ts';
import { FEB28_23H, groupAt, ids, useS3FlusherHarness } from '../../fixtures/s3/s3FlusherHarness.ts';
import { TEST_BUCKET } from '../../fixtures/s3/s3TestEnvironment.ts';
import { fakeContext } from '../../helpers/fakeContext.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

// s3rver stores the storage class (and answers it on HEAD) but ignores encryption headers and
// `x-amz-tagging`: those are checked on the requests as the test proxy received them.

const harness = useS3FlusherHarness();
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const SSE_HEADERS = [
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-bucket-key-enabled',
] as const;

function sent(keyPrefix: string, operation: ProxiedRequest['operation']): ProxiedRequest[] {
  return harness.env.proxy.requests.filter((r) => r.operation === operation && r.key.startsWith(keyPrefix));
}

function encryptionHeaders(request: ProxiedRequest): Record<string, unknown> {
  return Object.fromEntries(SSE_HEADERS.map((name) => [name, request.headers[name]]));
}

async function storageClassOf(key: string): Promise<string | undefined> {
  const head = await harness.env.inspect.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
  return head.StorageClass;
}

const everything: Partial<S3Config> = {
  storageClass: 'STANDARD_IA',
  sse: 'aws:kms',
  sseKmsKeyId: KEY_ARN,
  sseBucketKey: true,
  objectTags: { team: 'logs', 'cost-center': '4711', note: 'a b/c=d' },
};

describe('storage class, encryption and tags on S3 objects', () => {
  it('sends nothing of them by default, so the bucket decides', async () => {
    const { flusher, keyPrefix } = await harness.startFlusher();
    await flusher.flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'd')], { recordIds: ['m1'] });
    const [put] = sent(keyPrefix, 'PutObject');
    expect(encryptionHeaders(put!)).toEqual({
      'x-amz-server-side-encryption': undefined,
      'x-amz-server-side-encryption-aws-kms-key-id': undefined,
      'x-amz-server-side-encryption-bucket-key-enabled': undefined,
    });
    expect(put!.headers['x-amz-storage-class']).toBeUndefined();
    expect(put!.headers['x-amz-tagging']).toBeUndefined();
    const [key] = await harness.env.keys(keyPrefix);
    expect(await storageClassOf(key!)).toBeUndefined();
  });

  it('puts every object with the storage class, SSE-KMS with its key and bucket key, and the tags', async () => {
    const { flusher, keyPrefix } = await harness.startFlusher(everything);
    const groups = [groupAt([FEB28_23H, FEB28_23H + 3600], 'k')];
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['m1'] });

    const puts = sent(keyPrefix, 'PutObject');
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put.status).toBe(200);
      expect(encryptionHeaders(put)).toEqual({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
        'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      });
      expect(put.headers['x-amz-storage-class']).toBe('STANDARD_IA');
      expect(parseObjectTags(String(put.headers['x-amz-tagging']))).toEqual(everything.objectTags);
    }
    const keys = await harness.env.keys(keyPrefix);
    expect(await Promise.all(keys.map(storageClassOf))).toEqual(['STANDARD_IA', 'STANDARD_IA']);
    expect(ids(await harness.env.readAll(keyPrefix)).sort()).toEqual(['k-0', 'k-1']);
  });

  it('sends AES256 alone for SSE-S3', async () => {
    const { flusher, keyPrefix } = await harness.startFlusher({ sse: 'AES256' });
    await flusher.flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'a')], { recordIds: ['m1'] });
    expect(encryptionHeaders(sent(keyPrefix, 'PutObject')[0]!)).toEqual({
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-server-side-encryption-aws-kms-key-id': undefined,
      'x-amz-server-side-encryption-bucket-key-enabled': undefined,
    });
  });

  it('creates multipart uploads with them (S3 takes them at CreateMultipartUpload)', async () => {
    const { flusher, keyPrefix } = await harness.startFlusher({
      ...everything,
      compression: 'none',
      multipartThresholdBytes: S3_MIN_PART_SIZE_BYTES,
      partSizeBytes: S3_MIN_PART_SIZE_BYTES,
    });
    const padding = 'x'.repeat(400);
    const big: LogGroup = {
      ...aLogGroup([]),
      logs: Array.from({ length: 14_000 }, (_, i) => ({
        time: FEB28_23H,
        contents: [
          { key: 'id', value: `big-${i}` },
          { key: 'pad', value: padding },
        ],
      })),
    };
    await flusher.flush('shop', 'nginx', 'cfg', [big], { recordIds: ['big'] });

    const [create] = sent(keyPrefix, 'CreateMultipartUpload');
    expect(sent(keyPrefix, 'PutObject')).toEqual([]);
    expect(encryptionHeaders(create!)).toEqual({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
      'x-amz-server-side-encryption-bucket-key-enabled': 'true',
    });
    expect(create!.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    expect(parseObjectTags(String(create!.headers['x-amz-tagging']))).toEqual(everything.objectTags);
    // Tags set at creation: no separate PutObjectTagging call (which would need its own grant).
    expect(
      harness.env.proxy.requests.some((r) => r.key.startsWith(keyPrefix) && r.query.has('tagging')),
    ).toBe(false);
    const [key] = await harness.env.keys(keyPrefix);
    expect(await storageClassOf(key!)).toBe('STANDARD_IA');
  });

  it('quarantines with the same encryption, but in the default storage class and untagged', async () => {
    const keyPrefix = harness.env.prefix();
    const destination = createS3Destination(harness.env.config({ ...everything, keyPrefix }), {
      credentials: harness.env.clientConfig.credentials,
    });
    try {
      await destination.quarantine.put({
        reason: PoisonReason.malformed,
        detail: 'truncated',
        source: 'sqs',
        recordId: 'bad-1',
        payload: Uint8Array.from([1, 2, 3]),
      });
      const [put] = sent(`${keyPrefix}_quarantine/`, 'PutObject');
      expect(put!.status).toBe(200);
      expect(encryptionHeaders(put!)).toEqual({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
        'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      });
      expect(put!.headers['x-amz-storage-class']).toBeUndefined();
      expect(put!.headers['x-amz-tagging']).toBeUndefined();

      // The destination's flushers get everything.
      const flusher = destination.flusher();
      await flusher.init(fakeContext());
      await flusher.flush('shop', 'nginx', 'cfg', [groupAt([FEB28_23H], 'q')], { recordIds: ['m1'] });
      await flusher.stop();
      const [logPut] = sent(`${keyPrefix}shop/`, 'PutObject');
      expect(logPut!.headers['x-amz-storage-class']).toBe('STANDARD_IA');
      expect(logPut!.headers['x-amz-tagging']).toBeDefined();
    } finally {
      destination.client.destroy();
    }
  });
});
