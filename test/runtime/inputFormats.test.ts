import * as zlib from 'node:zlib';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeLogGroup, encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { createKinesisHandler, createSqsHandler } from '../../src/runtime/handlers.ts';
import { kinesisEvent, kinesisRecord, lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { groupFor, harness, jsonBody } from '../helpers/handlerHarness.ts';

const group = groupFor('formats', [{ msg: 'hello' }]);
const list = encodeLogGroupList([group]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const zstd = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array) => Buffer }).zstdCompressSync;

const subscription = (messageType: string) =>
  gzipSync(
    JSON.stringify({
      messageType,
      owner: '123456789012',
      logGroup: '/aws/lambda/app',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents:
        messageType === 'DATA_MESSAGE' ? [{ id: '1', timestamp: 1_700_000_000_250, message: 'hello' }] : [],
    }),
  );

describe('every input format through the real handlers', () => {
  const sqsBodies: [string, string][] = [
    ['protobuf LogGroupList, base64', b64(list)],
    ['a single LogGroup, base64', b64(encodeLogGroup(group))],
    ['gzip protobuf, base64', b64(gzipSync(list))],
    ['JSON form', jsonBody(group)],
    [
      'converter JSON custom_single',
      JSON.stringify({ contents: { msg: 'hello' }, tags: { __logstore__: 'formats' }, time: 1_700_000_000 }),
    ],
    [
      'converter JSON lines',
      ['a', 'b']
        .map((m) => JSON.stringify({ contents: { msg: m }, tags: {}, time: 1_700_000_000 }))
        .join('\n'),
    ],
    ['CloudWatch subscription, base64 gzip', b64(subscription('DATA_MESSAGE'))],
  ];
  if (zstd) sqsBodies.push(['zstd protobuf, base64', b64(zstd(list))]);

  it.each(sqsBodies)('SQS: %s is decoded, flushed and acked', async (_name, body) => {
    const { options, flushers, quarantine } = harness();
    const handler = createSqsHandler(options);
    const response = await handler(sqsEvent([sqsMessage(body)]), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries).toEqual([]);
    expect(flushers[0]!.flushed.flatMap((c) => c.groups).flatMap((g) => g.logs).length).toBeGreaterThan(0);
  });

  it('SQS: a CloudWatch CONTROL_MESSAGE is acked without any output', async () => {
    const { options, flushers, quarantine } = harness();
    const handler = createSqsHandler(options);
    const response = await handler(
      sqsEvent([sqsMessage(b64(subscription('CONTROL_MESSAGE')))]),
      lambdaContext(),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(flushers.flatMap((f) => f.calls)).toEqual([]);
    expect(quarantine.entries).toEqual([]);
  });

  it('Kinesis: raw protobuf, gzip protobuf and a CloudWatch subscription payload are flushed in order', async () => {
    const { options, flushers } = harness();
    const handler = createKinesisHandler(options);
    const response = await handler(
      kinesisEvent([
        kinesisRecord(list),
        kinesisRecord(gzipSync(list)),
        kinesisRecord(subscription('DATA_MESSAGE')),
      ]),
      lambdaContext(),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(flushers[0]!.flushed.flatMap((c) => c.groups)).toHaveLength(3);
  });

  it.each([
    ['truncated protobuf', b64(list.subarray(0, list.length - 3)), 'malformed'],
    ['invalid JSON form', '{"groups":[{"logs":[{"time":"x"}]}]}', 'malformed'],
    ['plain text', 'just some words', 'unsupported-format'],
    ['a gzip bomb', b64(gzipSync(Buffer.alloc(64 * 1024 * 1024))), 'too-large'],
  ])('SQS: %s is quarantined with reason %s while the next record flows', async (_name, body, reason) => {
    const { options, flushers, quarantine } = harness({}, { maxDecompressedBytes: 16 * 1024 * 1024 });
    const handler = createSqsHandler(options);
    const response = await handler(
      sqsEvent([sqsMessage(body), sqsMessage(jsonBody(group))]),
      lambdaContext(),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries.map((e) => e.reason)).toEqual([reason]);
    expect(flushers[0]!.flushed).toHaveLength(1);
  });
});
