import { type PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineError, FlushError } from '../../../src/errors.ts';
import {
  MAX_CONFLICT_ATTEMPTS,
  type S3PutRequest,
  type S3WriteOptions,
  writeObjectIfAbsent,
} from '../../../src/flushers/s3/writeObjectIfAbsent.ts';

// Unit test of the 412/409 decisions with a scripted client; the same paths run against s3rver
// behind the conditional-write proxy in S3Flusher.integration.test.ts.

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from the scripted client`,
  });
}

/** A client whose `send` answers from a script: an error to throw, or `ok`. */
function scriptedClient(script: Array<S3ServiceException | Error | 'ok'>) {
  const commands: PutObjectCommand[] = [];
  const send = vi.fn(async (command: PutObjectCommand) => {
    commands.push(command);
    const step = script.shift() ?? 'ok';
    if (step !== 'ok') throw step;
    return { $metadata: { httpStatusCode: 200 } };
  });
  return { client: { send } as unknown as S3Client, commands, send };
}

const request: S3PutRequest = {
  bucket: 'logs',
  key: 'p/s/dt=2024-01-01/hour=00/abc.jsonl.gz',
  body: Buffer.from('body'),
  contentType: 'application/x-ndjson',
  contentEncoding: 'gzip',
  metadata: { 'log-count': '1' },
};

function options(overrides: Partial<S3WriteOptions> = {}): S3WriteOptions {
  return {
    multipartThresholdBytes: 1024,
    partSizeBytes: 5 * 1024 * 1024,
    uploadConcurrency: 1,
    signal: new AbortController().signal,
    ...overrides,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('writeObjectIfAbsent (PutObject path)', () => {
  it('creates the object with If-None-Match: *, content headers and metadata', async () => {
    const { client, commands } = scriptedClient(['ok']);
    await expect(writeObjectIfAbsent(client, request, options())).resolves.toBe('created');
    expect(commands[0]!.input).toMatchObject({
      Bucket: 'logs',
      Key: request.key,
      IfNoneMatch: '*',
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
      ContentLength: 4,
      Metadata: { 'log-count': '1' },
    });
  });

  it('treats 412 PreconditionFailed as already delivered', async () => {
    const { client, send } = scriptedClient([s3Error('PreconditionFailed', 412)]);
    await expect(writeObjectIfAbsent(client, request, options())).resolves.toBe('already-existed');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('writes again after a 409 ConditionalRequestConflict', async () => {
    const { client, send } = scriptedClient([s3Error('ConditionalRequestConflict', 409), 'ok']);
    await expect(writeObjectIfAbsent(client, request, options())).resolves.toBe('created');
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('gives up on endless conflicts with a retryable FlushError', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const conflicts = Array.from({ length: 10 }, () => s3Error('ConditionalRequestConflict', 409));
    const { client, send } = scriptedClient(conflicts);
    const error = await writeObjectIfAbsent(client, request, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(true);
    expect((error as FlushError).message).toMatch(/ConditionalRequestConflict \(HTTP 409\)/);
    expect(send).toHaveBeenCalledTimes(MAX_CONFLICT_ATTEMPTS);
  });

  it('does not sleep between conflict attempts once urgent', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // the longest backoff, were there one
    const run = async (urgent: boolean) => {
      const { client, send } = scriptedClient([s3Error('ConditionalRequestConflict', 409), 'ok']);
      const controller = new AbortController();
      const writing = writeObjectIfAbsent(
        client,
        request,
        options({ urgent: () => urgent, signal: controller.signal }),
      );
      await new Promise((resolve) => setImmediate(resolve)); // microtasks only: no timer has fired
      const calls = send.mock.calls.length;
      controller.abort();
      await writing.catch(() => {});
      return calls;
    };
    expect(await run(true)).toBe(2);
    expect(await run(false)).toBe(1);
  });

  it('rejects with a DeadlineError when aborted during the conflict backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { client } = scriptedClient([s3Error('ConditionalRequestConflict', 409), 'ok']);
    const controller = new AbortController();
    const writing = writeObjectIfAbsent(client, request, options({ signal: controller.signal }));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(writing).rejects.toBeInstanceOf(DeadlineError);
  });

  it('fails permanent errors at once, with retryable false', async () => {
    const { client, send } = scriptedClient([s3Error('AccessDenied', 403)]);
    const error = await writeObjectIfAbsent(client, request, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(false);
    expect((error as FlushError).cause).toBeInstanceOf(S3ServiceException);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('passes errors the SDK already retried on as retryable', async () => {
    const { client } = scriptedClient([s3Error('SlowDown', 503)]);
    const error = await writeObjectIfAbsent(client, request, options()).catch((e: unknown) => e);
    expect((error as FlushError).retryable).toBe(true);
  });

  it('turns an aborted request into a DeadlineError', async () => {
    const controller = new AbortController();
    controller.abort();
    const abort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    const { client } = scriptedClient([abort]);
    await expect(
      writeObjectIfAbsent(client, request, options({ signal: controller.signal })),
    ).rejects.toBeInstanceOf(DeadlineError);
  });
});
