import { describe, expect, it, vi } from 'vitest';
import { DeadlineError, FlushError, FlusherStoppedError } from '../../../src/errors.ts';
import type { S3Config } from '../../../src/flushers/s3/config.ts';
import { S3_MIN_PART_SIZE_BYTES } from '../../../src/flushers/s3/s3Limits.ts';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import { FAULTS } from '../../fixtures/s3/S3TestProxy.ts';
import { FEB28_23H, ids, useS3FlusherHarness } from '../../fixtures/s3/s3FlusherHarness.ts';
import { aLogGroup } from '../../helpers/logGroups.ts';

// Multipart uploads move real megabytes (S3's smallest part is 5 MiB, and lib-storage enforces
// it), so they have their own file and run in parallel with the other S3 tests.

const harness = useS3FlusherHarness();
const startFlusher = harness.startFlusher.bind(harness);

/** About 7 MB of JSON Lines in one hour: two 5 MiB parts. */
function bigBatch(): LogGroup[] {
  const padding = 'x'.repeat(300);
  return [
    {
      ...aLogGroup([]),
      logs: Array.from({ length: 17_000 }, (_, i) => ({
        time: FEB28_23H + (i % 3600),
        contents: [
          { key: 'id', value: `big-${i}` },
          { key: 'pad', value: padding },
        ],
      })),
    },
  ];
}

const multipart: Partial<S3Config> = {
  compression: 'none',
  multipartThresholdBytes: S3_MIN_PART_SIZE_BYTES,
  partSizeBytes: S3_MIN_PART_SIZE_BYTES,
  uploadConcurrency: 2,
};

describe('S3Flusher multipart uploads against s3rver (through the conditional-write proxy)', () => {
  it('uses a multipart upload above the threshold, conditional on completion, idempotent on redelivery', async () => {
    const { flusher, keyPrefix } = await startFlusher(multipart);
    const groups = bigBatch();
    const parts = harness.env.proxy.count('UploadPart');
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['big-1'] });

    const [object] = await harness.env.readAll(keyPrefix);
    expect(object!.body.length).toBeGreaterThan(S3_MIN_PART_SIZE_BYTES);
    expect(harness.env.proxy.count('UploadPart') - parts).toBe(
      Math.ceil(object!.body.length / S3_MIN_PART_SIZE_BYTES),
    );
    const complete = harness.env.proxy.requests
      .filter((r) => r.operation === 'CompleteMultipartUpload')
      .at(-1)!;
    expect([complete.conditional, complete.status]).toEqual([true, 200]);
    expect(object!.metadata['log-count']).toBe('17000');
    expect(ids([object!])).toEqual(groups[0]!.logs.map((l) => l.contents[0]!.value));

    // Redelivered to a new execution environment (the same one remembers the key and sends nothing).
    const fresh = await startFlusher({ ...multipart, keyPrefix });
    await fresh.flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['big-1'] });
    const again = harness.env.proxy.requests.filter((r) => r.operation === 'CompleteMultipartUpload').at(-1)!;
    expect(again.status).toBe(412);
    expect(await harness.env.keys(keyPrefix)).toHaveLength(1);
    expect(await harness.env.openUploads()).toEqual([]);
  });

  it('aborts a failed multipart upload on S3, leaving no parts, and succeeds on redelivery', async () => {
    const { flusher, keyPrefix } = await startFlusher({ ...multipart, maxAttempts: 2 });
    harness.env.proxy.inject({ operation: 'UploadPart', partNumber: 2, fault: FAULTS.internalError });
    const aborts = harness.env.proxy.count('AbortMultipartUpload');
    const groups = bigBatch();

    const error = await flusher
      .flush('shop', 'nginx', 'cfg', groups, { recordIds: ['big-2'] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(true);
    expect(harness.env.proxy.count('AbortMultipartUpload')).toBe(aborts + 1);
    expect(await harness.env.openUploads()).toEqual([]);
    expect(await harness.env.keys(keyPrefix)).toEqual([]);

    harness.env.proxy.clearFaults();
    await flusher.flush('shop', 'nginx', 'cfg', groups, { recordIds: ['big-2'] });
    expect(await harness.env.keys(keyPrefix)).toHaveLength(1);
  });

  it('aborts the multipart upload when stopped mid-upload, and stop waits for that', async () => {
    const { flusher, keyPrefix } = await startFlusher(multipart);
    harness.env.proxy.inject({ operation: 'UploadPart', partNumber: 2, fault: FAULTS.stall });
    const aborts = harness.env.proxy.count('AbortMultipartUpload');
    const flushing = flusher.flush('shop', 'nginx', 'cfg', bigBatch(), { recordIds: ['big-3'] });
    const outcome = flushing.catch((e: unknown) => e);
    const stalled = await harness.env.proxy.waitFor(
      (r) => r.operation === 'UploadPart' && r.key.startsWith(keyPrefix) && r.query.get('partNumber') === '2',
    );

    await flusher.stop();

    expect(await outcome).toBeInstanceOf(FlusherStoppedError);
    expect(harness.env.proxy.count('AbortMultipartUpload')).toBe(aborts + 1);
    expect(await harness.env.openUploads()).toEqual([]);
    await vi.waitFor(() => expect(stalled.aborted).toBe(true));
    expect(await harness.env.keys(keyPrefix)).toEqual([]);
  });

  it('leaves no upload behind when aborted while CreateMultipartUpload is on the wire', async () => {
    const { flusher, keyPrefix } = await startFlusher(multipart);
    // The proxy holds the request, then lets s3rver create the upload: the client must learn its id.
    harness.env.proxy.inject({
      operation: 'CreateMultipartUpload',
      times: 1,
      fault: { kind: 'delay', ms: 300 },
    });
    const aborts = harness.env.proxy.count('AbortMultipartUpload');
    const deadline = new AbortController();
    const flushing = flusher
      .flush('shop', 'nginx', 'cfg', bigBatch(), { recordIds: ['big-4'], signal: deadline.signal })
      .catch((e: unknown) => e);
    await harness.env.proxy.waitFor(
      (r) => r.operation === 'CreateMultipartUpload' && r.key.startsWith(keyPrefix),
    );
    deadline.abort(new Error('deadline'));

    expect(await flushing).toBeInstanceOf(DeadlineError);
    await flusher.stop({ timeoutMs: 10_000 });
    expect(harness.env.proxy.count('AbortMultipartUpload')).toBe(aborts + 1);
    expect(await harness.env.openUploads()).toEqual([]);
    expect(await harness.env.keys(keyPrefix)).toEqual([]);
  });
});
