import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlushError } from '../../../src/errors.ts';
import { createCloudWatchLogsFlusher } from '../../../src/flushers/cloudwatch/createCloudWatchLogsFlusher.ts';
import { ResourceCache } from '../../../src/flushers/cloudwatch/ResourceCache.ts';
import type { LogGroup } from '../../../src/protocol/LogGroup.ts';
import { describeFlusherContract } from '../../contract/flusherContract.ts';
import { CloudWatchLogsEndpoint } from '../../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import {
  clientFor,
  DUMMY_AWS,
  GROUP,
  labels,
  NOW,
  readEvents,
  STREAM,
  testConfig,
  timedGroup,
  useLoopbackFlusher,
} from './helpers.ts';

describe('CloudWatchLogsFlusher: log groups, streams and messages', () => {
  const h = useLoopbackFlusher();

  it('creates the group with KMS key and retention, then the stream, and stores the log lines', async () => {
    const flusher = await h.start({
      CWL_RETENTION_DAYS: '30',
      CWL_KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/k',
    });
    await flusher.flush('shop', 'nginx', 'cfg', [
      timedGroup([
        ['a', NOW - 2000],
        ['b', NOW - 1000],
      ]),
    ]);
    // CreateLogStream first finds no group, then creates the stream once the group exists.
    expect(h.endpoint.calls).toEqual({
      CreateLogStream: 2,
      CreateLogGroup: 1,
      PutRetentionPolicy: 1,
      PutLogEvents: 1,
    });
    const group = h.endpoint.service.groups.get(GROUP)!;
    expect(group.retentionInDays).toBe(30);
    expect(group.kmsKeyId).toBe('arn:aws:kms:us-east-1:123456789012:key/k');
    const events = await readEvents(h.client, GROUP, STREAM);
    expect(events.map((e) => e.timestamp)).toEqual([NOW - 2000, NOW - 1000]);
    expect(JSON.parse(events[0]!.message)).toMatchObject({
      project: 'shop',
      logstore: 'nginx',
      topic: 'access',
      source: STREAM,
      tags: { __hostname__: 'web-1' },
      contents: { n: 'a' },
    });
  });

  it('makes no create call for what it knows exists, also from a fresh flusher in the same process', async () => {
    const cache = new ResourceCache();
    const first = await h.start({}, { cache });
    await first.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    await first.flush('shop', 'nginx', 'cfg', [timedGroup([['b', NOW]])]);
    await first.stop();
    const second = await h.start({}, { cache });
    await second.flush('shop', 'nginx', 'cfg', [timedGroup([['c', NOW]])]);
    expect(h.endpoint.calls).toEqual({ CreateLogGroup: 1, CreateLogStream: 2, PutLogEvents: 3 });
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a', 'b', 'c']);
  });

  it('treats a group and stream created by someone else as success, leaving their retention alone', async () => {
    await h.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await h.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
    for (const key of Object.keys(h.endpoint.calls)) delete h.endpoint.calls[key];
    const flusher = await h.start({ CWL_RETENTION_DAYS: '30' });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.calls).toEqual({ CreateLogStream: 1, PutLogEvents: 1 });
    expect(h.endpoint.service.groups.get(GROUP)!.retentionInDays).toBeUndefined();
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
  });

  it('recreates a stream deleted meanwhile and retries once, without touching the group', async () => {
    const flusher = await h.start();
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    await h.client.send(new DeleteLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['b', NOW]])]);
    expect(h.endpoint.calls).toEqual({
      CreateLogGroup: 1,
      CreateLogStream: 3,
      PutLogEvents: 3,
      DeleteLogStream: 1,
    });
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['b']);
  });

  it('recreates a deleted group (with its retention) and its stream', async () => {
    const flusher = await h.start({ CWL_RETENTION_DAYS: '7' });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    await h.client.send(new DeleteLogGroupCommand({ logGroupName: GROUP }));
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['b', NOW]])]);
    expect(h.endpoint.calls).toMatchObject({ CreateLogGroup: 2, PutRetentionPolicy: 2, PutLogEvents: 3 });
    expect(h.endpoint.service.groups.get(GROUP)!.retentionInDays).toBe(7);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['b']);
  });

  it('sets the retention of a group it created even when the first PutRetentionPolicy is throttled', async () => {
    const flusher = await h.start({ CWL_RETENTION_DAYS: '14' });
    h.endpoint.schedule('PutRetentionPolicy', { kind: 'throttle' });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.count('PutRetentionPolicy')).toBe(2);
    expect(h.endpoint.service.groups.get(GROUP)!.retentionInDays).toBe(14);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
  });

  it('sets the retention of a group it created when the CreateLogGroup answer was lost', async () => {
    const flusher = await h.start({ CWL_RETENTION_DAYS: '14' });
    // The service creates the group, the answer never arrives; the retry finds the group existing.
    h.endpoint.schedule('CreateLogGroup', { kind: 'drop-response' });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.count('CreateLogGroup')).toBe(2);
    expect(h.endpoint.service.groups.get(GROUP)!.retentionInDays).toBe(14);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
  });

  it('sets a retention that failed with one flusher from the next one in the same environment', async () => {
    const cache = new ResourceCache();
    const first = await h.start({ CWL_RETENTION_DAYS: '14' }, { cache });
    h.endpoint.schedule('PutRetentionPolicy', { kind: 'error', status: 400, type: 'AccessDeniedException' });
    await expect(first.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])])).rejects.toThrow();
    await first.stop(); // retired at a deadline, say: a fresh flusher serves the redelivery
    const second = await h.start({ CWL_RETENTION_DAYS: '14' }, { cache });
    await second.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.service.groups.get(GROUP)!.retentionInDays).toBe(14);
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
  });

  it('works with a group created by hand after CreateLogGroup was denied, leaving its retention alone', async () => {
    const cache = new ResourceCache();
    const first = await h.start({ CWL_RETENTION_DAYS: '14' }, { cache });
    h.endpoint.schedule('CreateLogGroup', { kind: 'error', status: 400, type: 'AccessDeniedException' });
    await expect(first.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])])).rejects.toThrow();
    await h.client.send(new CreateLogGroupCommand({ logGroupName: GROUP })); // the operator steps in
    const second = await h.start({ CWL_RETENTION_DAYS: '14' }, { cache });
    await second.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.count('CreateLogGroup')).toBe(2); // the denied one and the operator's
    expect(h.endpoint.service.groups.get(GROUP)!.retentionInDays).toBeUndefined();
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
  });

  it('forgets a create that got no answer once a retry is clearly refused', async () => {
    const cache = new ResourceCache();
    const first = await h.start({ CWL_RETENTION_DAYS: '14' }, { cache });
    h.endpoint.schedule(
      'CreateLogGroup',
      { kind: 'unavailable' },
      { kind: 'error', status: 400, type: 'AccessDeniedException' },
    );
    await expect(first.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])])).rejects.toThrow();
    await h.client.send(new CreateLogGroupCommand({ logGroupName: GROUP })); // the operator steps in
    const second = await h.start({ CWL_RETENTION_DAYS: '14' }, { cache });
    await second.flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])]);
    expect(h.endpoint.count('CreateLogGroup')).toBe(3); // 503, denied, the operator's
    expect(h.endpoint.service.groups.get(GROUP)!.retentionInDays).toBeUndefined();
    expect(labels(await readEvents(h.client, GROUP, STREAM))).toEqual(['a']);
  });

  it('fails for good, creating nothing, when the stream is missing and CWL_CREATE is off', async () => {
    const flusher = await h.start({ CWL_CREATE: 'false' });
    const error = await flusher
      .flush('shop', 'nginx', 'cfg', [timedGroup([['a', NOW]])])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushError);
    expect((error as FlushError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/CWL_CREATE/);
    expect(h.endpoint.calls).toEqual({ PutLogEvents: 1 });
  });

  it('sends the CWL_MESSAGE_KEY value as the raw message, falling back to the log line', async () => {
    const flusher = await h.start({ CWL_MESSAGE_KEY: 'msg' });
    const group: LogGroup = {
      ...timedGroup([]),
      logs: [
        {
          time: NOW / 1000,
          contents: [
            { key: 'msg', value: 'first' },
            { key: 'msg', value: 'raw text' },
          ],
        },
        { time: NOW / 1000, contents: [{ key: 'other', value: 'x' }] },
        { time: NOW / 1000, contents: [{ key: 'msg', value: '' }] },
      ],
    };
    await flusher.flush('shop', 'nginx', 'cfg', [group]);
    const messages = (await readEvents(h.client, GROUP, STREAM)).map((e) => e.message);
    expect(messages[0]).toBe('raw text');
    expect(JSON.parse(messages[1]!).contents).toEqual({ other: 'x' });
    expect(JSON.parse(messages[2]!).contents).toEqual({ msg: '' });
  });

  it('sanitises group and stream names from hostile values so the service accepts them', async () => {
    const flusher = await h.start({ CWL_LOG_STREAM: '{topic}/{source}/{date}' });
    const group = timedGroup([['a', NOW]], { source: '10.0.0.1:8080', topic: 'a*b' });
    await flusher.flush('my shop', 'ngi:nx/../x', 'cfg', [group]);
    const [groupName] = [...h.endpoint.service.groups.keys()];
    expect(groupName).toMatch(/^\/loggroup-flusher\/my_shop-[0-9a-f]{8}\/ngi_nx_.._x-[0-9a-f]{8}$/);
    const [streamName] = [...h.endpoint.service.groups.get(groupName!)!.streams.keys()];
    expect(streamName).toMatch(/^a_b-[0-9a-f]{8}\/10\.0\.0\.1_8080-[0-9a-f]{8}\/2023-11-1\d$/);
    expect(labels(h.endpoint.service.events(groupName!, streamName!)!)).toEqual(['a']);
  });

  it('packs many events into the fewest requests and sends several to one stream at once, bounded', async () => {
    const flusher = await h.start({ CWL_CONCURRENCY: '3', CWL_MESSAGE_KEY: 'n' });
    const times: Array<[string, number]> = Array.from({ length: 20_001 }, (_, i) => [`${i}`, NOW - i]);
    for (let i = 0; i < 3; i++) h.endpoint.schedule('PutLogEvents', { kind: 'delay', ms: 300 });
    await flusher.flush('shop', 'nginx', 'cfg', [timedGroup(times)]);
    expect(h.endpoint.count('PutLogEvents')).toBe(3);
    expect(h.endpoint.maxInFlight).toBe(3);
    expect(h.endpoint.service.events(GROUP, STREAM)).toHaveLength(20_001);
  });
});

// The contract kit, with the client built the production way: endpoint from the environment.
describe('through AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', () => {
  let endpoint: CloudWatchLogsEndpoint;
  let reader: CloudWatchLogsClient;
  const saved: Record<string, string | undefined> = {};
  const env = {
    AWS_REGION: DUMMY_AWS.region,
    AWS_ACCESS_KEY_ID: DUMMY_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_AWS.credentials.secretAccessKey,
  };
  beforeAll(async () => {
    endpoint = await CloudWatchLogsEndpoint.start({ now: () => NOW });
    for (const [key, value] of Object.entries({ ...env, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint.url })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    reader = clientFor(endpoint);
  });
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    reader.destroy();
    await endpoint.close();
  });

  let subjects = 0;
  describeFlusherContract('CloudWatchLogsFlusher', async () => {
    const prefix = `/contract/${++subjects}`;
    const flusher = createCloudWatchLogsFlusher(
      testConfig({ CWL_LOG_GROUP: `${prefix}/{project}/{logstore}` }),
      {
        cache: new ResourceCache(),
        now: () => NOW,
      },
    );
    return {
      flusher,
      storedLogs: async () => {
        let stored = 0;
        for (const [name, group] of endpoint.service.groups) {
          if (!name.startsWith(`${prefix}/`)) continue;
          for (const stream of group.streams.keys()) {
            stored += (await readEvents(reader, name, stream)).length;
          }
        }
        return stored;
      },
    };
  });
});
