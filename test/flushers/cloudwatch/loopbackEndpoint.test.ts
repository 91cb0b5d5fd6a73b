import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchLogsEndpoint } from '../../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { clientFor } from './helpers.ts';

// The fixture is only worth trusting if it refuses what CloudWatch Logs refuses: check it directly.
const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

describe('the loopback CloudWatch Logs endpoint (test fixture)', () => {
  let endpoint: CloudWatchLogsEndpoint;
  let client: CloudWatchLogsClient;
  const put = (logEvents: InputLogEvent[], logStreamName = 's') =>
    client.send(new PutLogEventsCommand({ logGroupName: '/g', logStreamName, logEvents }));
  const errorName = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (e: Error) => e.name,
    );

  beforeAll(async () => {
    endpoint = await CloudWatchLogsEndpoint.start({ now: () => NOW });
    client = clientFor(endpoint);
  });
  beforeEach(async () => {
    endpoint.reset(() => NOW);
    await client.send(new CreateLogGroupCommand({ logGroupName: '/g' }));
    await client.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 's' }));
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
  });

  it('answers existing resources and missing ones with the documented errors', async () => {
    expect(await errorName(client.send(new CreateLogGroupCommand({ logGroupName: '/g' })))).toBe(
      'ResourceAlreadyExistsException',
    );
    expect(
      await errorName(client.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 's' }))),
    ).toBe('ResourceAlreadyExistsException');
    expect(await errorName(put([{ timestamp: NOW, message: 'm' }], 'missing'))).toBe(
      'ResourceNotFoundException',
    );
    expect(
      await errorName(client.send(new CreateLogStreamCommand({ logGroupName: '/x', logStreamName: 's' }))),
    ).toBe('ResourceNotFoundException');
  });

  it('refuses invalid names and retention values', async () => {
    for (const logGroupName of ['bad name', 'aws/x', 'a'.repeat(513)]) {
      expect(await errorName(client.send(new CreateLogGroupCommand({ logGroupName })))).toBe(
        'InvalidParameterException',
      );
    }
    for (const logStreamName of ['a:b', 'a*b', '']) {
      expect(
        await errorName(client.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName }))),
      ).toBe('InvalidParameterException');
    }
    expect(
      await errorName(
        client.send(new PutRetentionPolicyCommand({ logGroupName: '/g', retentionInDays: 10 })),
      ),
    ).toBe('InvalidParameterException');
  });

  it('counts 26 bytes per event against the 1,048,576-byte request limit', async () => {
    const half = 'x'.repeat(1_048_576 / 2 - 26);
    expect(
      await errorName(
        put([
          { timestamp: NOW, message: half },
          { timestamp: NOW, message: half },
        ]),
      ),
    ).toBe('ok');
    expect(
      await errorName(
        put([
          { timestamp: NOW, message: half },
          { timestamp: NOW, message: `${half}y` },
        ]),
      ),
    ).toBe('InvalidParameterException');
    expect(await errorName(put([{ timestamp: NOW, message: 'x'.repeat(1_048_551) }]))).toBe(
      'InvalidParameterException',
    );
  });

  it('refuses more than 10,000 events, unsorted events, empty messages and spans over 24 h', async () => {
    const many = Array.from({ length: 10_001 }, () => ({ timestamp: NOW, message: 'm' }));
    expect(await errorName(put(many))).toBe('InvalidParameterException');
    expect(await errorName(put(many.slice(1)))).toBe('ok');
    expect(
      await errorName(
        put([
          { timestamp: NOW, message: 'b' },
          { timestamp: NOW - 1, message: 'a' },
        ]),
      ),
    ).toBe('InvalidParameterException');
    expect(await errorName(put([{ timestamp: NOW, message: '' }]))).toBe('InvalidParameterException');
    expect(
      await errorName(
        put([
          { timestamp: NOW - DAY - 1, message: 'a' },
          { timestamp: NOW, message: 'b' },
        ]),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await errorName(
        put([
          { timestamp: NOW - DAY, message: 'a' },
          { timestamp: NOW, message: 'b' },
        ]),
      ),
    ).toBe('ok');
  });

  it('stores the events inside the time window and reports the others in rejectedLogEventsInfo', async () => {
    await client.send(new PutRetentionPolicyCommand({ logGroupName: '/g', retentionInDays: 1 }));
    const output = await put([
      { timestamp: NOW - 15 * DAY, message: 'too old' },
      { timestamp: NOW - 2 * DAY, message: 'expired' },
      { timestamp: NOW, message: 'ok' },
      { timestamp: NOW + 2 * 3_600_000 + 1, message: 'too new' },
    ]);
    expect(output.rejectedLogEventsInfo).toEqual({
      tooOldLogEventEndIndex: 1,
      expiredLogEventEndIndex: 2,
      tooNewLogEventStartIndex: 3,
    });
    expect(endpoint.service.events('/g', 's')!.map((e) => e.message)).toEqual(['ok']);
  });

  it('counts calls per operation and plays scheduled faults in order', async () => {
    const before = endpoint.count('PutLogEvents');
    endpoint.schedule(
      'PutLogEvents',
      { kind: 'throttle' },
      { kind: 'error', status: 400, type: 'AccessDeniedException' },
    );
    expect(await errorName(put([{ timestamp: NOW, message: 'm' }]))).toBe('ThrottlingException');
    expect(await errorName(put([{ timestamp: NOW, message: 'm' }]))).toBe('AccessDeniedException');
    expect(await errorName(put([{ timestamp: NOW, message: 'm' }]))).toBe('ok');
    expect(endpoint.count('PutLogEvents') - before).toBe(3);
    expect(endpoint.pendingFaults('PutLogEvents')).toBe(0);
  });
});
