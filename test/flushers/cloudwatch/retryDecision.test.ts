import { describe, expect, it } from 'vitest';
import { RefusalKind } from '../../../src/flushers/cloudwatch/batcher.ts';
import { rejectedEvents } from '../../../src/flushers/cloudwatch/CloudWatchLogsWriter.ts';
import { isRetryableCloudWatchError } from '../../../src/flushers/cloudwatch/retryDecision.ts';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...extra });

describe('isRetryableCloudWatchError', () => {
  it('retries throttling, service trouble, timeouts and socket failures', () => {
    for (const name of [
      'ThrottlingException',
      'ServiceUnavailableException',
      'TimeoutError',
      'InternalFailure',
    ]) {
      expect(isRetryableCloudWatchError(named(name))).toBe(true);
    }
    expect(isRetryableCloudWatchError(named('Error', { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableCloudWatchError(named('SyntaxError', { $metadata: { httpStatusCode: 502 } }))).toBe(
      true,
    );
    expect(isRetryableCloudWatchError(named('Wrapped', { cause: named('Error', { code: 'EPIPE' }) }))).toBe(
      true,
    );
  });

  it('does not retry client errors, CloudWatch resource limits or aborts', () => {
    for (const name of [
      'AccessDeniedException',
      'InvalidParameterException',
      'LimitExceededException',
      'UnrecognizedClientException',
      'ResourceNotFoundException',
      'AbortError',
    ]) {
      expect(isRetryableCloudWatchError(named(name, { $metadata: { httpStatusCode: 400 } }))).toBe(false);
    }
  });
});

describe('rejectedEvents', () => {
  it('expands the three index fields into per-event refusals, each event once', () => {
    expect(rejectedEvents({}, 5)).toEqual([]);
    expect(
      rejectedEvents(
        {
          rejectedLogEventsInfo: {
            tooOldLogEventEndIndex: 1,
            expiredLogEventEndIndex: 2,
            tooNewLogEventStartIndex: 4,
          },
        },
        5,
      ),
    ).toEqual([
      { index: 0, kind: RefusalKind.tooOld },
      { index: 1, kind: RefusalKind.expired },
      { index: 4, kind: RefusalKind.tooNew },
    ]);
    // Overlapping or out-of-range indexes never duplicate or invent events.
    expect(
      rejectedEvents(
        { rejectedLogEventsInfo: { expiredLogEventEndIndex: 3, tooNewLogEventStartIndex: 1 } },
        3,
      ),
    ).toEqual([
      { index: 0, kind: RefusalKind.expired },
      { index: 1, kind: RefusalKind.expired },
      { index: 2, kind: RefusalKind.expired },
    ]);
    expect(rejectedEvents({ rejectedLogEventsInfo: { tooOldLogEventEndIndex: 99 } }, 2)).toHaveLength(2);
  });
});
