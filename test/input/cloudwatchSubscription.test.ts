import { describe, expect, it } from 'vitest';
import { DecodeError, UnsupportedFormatError } from '../../src/errors.ts';
import { decodePayload } from '../../src/input/decodePayload.ts';
import { AUTO, CLOUDWATCH_CONTROL, cloudWatchData, gzip } from './helpers/payloads.ts';

const decode = (text: string) => decodePayload(gzip(text), AUTO);

describe('CloudWatch Logs subscription payloads', () => {
  it('maps a DATA_MESSAGE to one LogGroup, keeping the milliseconds in timeNs', () => {
    const text = cloudWatchData(
      [
        { id: '3795', timestamp: 1_700_000_000_123, message: 'START RequestId: 1' },
        {
          id: '3796',
          timestamp: 1_700_000_001_000,
          message: '{"level":"info"}',
          extractedFields: { level: 'info' },
        },
      ],
      { policyLevel: 'ACCOUNT_LEVEL_POLICY', subscriptionFilters: ['a', 'b'] },
    );
    expect(decode(text)).toMatchObject({
      format: 'gzip+cloudwatch-subscription',
      control: false,
      groups: [
        {
          topic: '/aws/lambda/checkout',
          source: '2024/01/01/[$LATEST]abcdef',
          category: undefined,
          machineUUID: undefined,
          logTags: [
            { key: 'cloudwatch.owner', value: '123456789012' },
            { key: 'cloudwatch.subscriptionFilter', value: 'a' },
            { key: 'cloudwatch.subscriptionFilter', value: 'b' },
            { key: 'cloudwatch.policyLevel', value: 'ACCOUNT_LEVEL_POLICY' },
          ],
          logs: [
            {
              time: 1_700_000_000,
              timeNs: 123_000_000,
              contents: [
                { key: 'message', value: 'START RequestId: 1' },
                { key: 'id', value: '3795' },
              ],
            },
            {
              time: 1_700_000_001,
              timeNs: 0,
              contents: [
                { key: 'message', value: '{"level":"info"}' },
                { key: 'id', value: '3796' },
                { key: 'extractedFields.level', value: 'info' },
              ],
            },
          ],
        },
      ],
    });
  });

  it('acks a CONTROL_MESSAGE without output', () => {
    expect(decode(CLOUDWATCH_CONTROL)).toMatchObject({
      groups: [],
      format: 'gzip+cloudwatch-subscription',
      control: true,
    });
  });

  it('yields no group for a DATA_MESSAGE without events', () => {
    expect(decode(cloudWatchData([])).groups).toEqual([]);
  });

  it('refuses an unknown messageType as an unsupported format', () => {
    expect(() => decode(cloudWatchData([], { messageType: 'OTHER' }))).toThrow(UnsupportedFormatError);
  });

  it.each([
    [{ logGroup: 5 }, 'logGroup'],
    [{ owner: null }, 'owner'],
    [{ subscriptionFilters: [1] }, 'subscriptionFilters[0]'],
  ])('refuses a malformed envelope %j', (overrides, field) => {
    const text = cloudWatchData([{ id: '1', timestamp: 1, message: 'm' }], overrides);
    expect(() => decode(text)).toThrow(expect.objectContaining({ field }));
  });

  it.each([
    [{ id: '1', timestamp: -1, message: 'm' }, 'logEvents[0].timestamp'],
    [{ id: '1', timestamp: 1.5, message: 'm' }, 'logEvents[0].timestamp'],
    [{ id: '1', timestamp: 4_294_967_296_000, message: 'm' }, 'logEvents[0].timestamp'],
    [{ id: '1', timestamp: '1', message: 'm' }, 'logEvents[0].timestamp'],
    [{ id: '1', timestamp: 1 }, 'logEvents[0].message'],
    [{ timestamp: 1, message: 'm' }, 'logEvents[0].id'],
    [{ id: '1', timestamp: 1, message: 'm', extractedFields: [] }, 'logEvents[0].extractedFields'],
  ])('refuses a malformed event %j', (event, field) => {
    const text = cloudWatchData([event as never]);
    let error: unknown;
    try {
      decode(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).field).toBe(field);
  });
});
