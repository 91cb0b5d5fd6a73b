import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { FlushError } from '../../src/errors.ts';
import type { Flusher } from '../../src/flusher/Flusher.ts';
import { createSqsHandler } from '../../src/runtime/handlers.ts';
import { captureOutput, jsonLines } from '../helpers/captureOutput.ts';
import { lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { jsonBody, quietOptions } from '../helpers/handlerHarness.ts';

describe('error logs', () => {
  it('name the cause behind a flush failure (the missing credentials behind a failed quarantine write), never log contents', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const flusher: Flusher = {
      init: async () => {},
      description: () => 'failing',
      isReady: () => true,
      flush: async () => {
        throw new FlushError('cloudwatch-logs: could not quarantine refused events of record m1', true, {
          cause: missing,
        });
      },
      setUrgent: () => {},
      stop: async () => {},
    };
    const { options } = quietOptions({ flusher, logger: new Logger({ logLevel: 'WARN' }) });
    const handler = createSqsHandler(options);
    const message = sqsMessage(jsonBody());
    const { output } = await captureOutput(() => handler(sqsEvent([message]), lambdaContext()));
    const failure = jsonLines(output).find(
      (line) => line.message === 'flush failed; records will be retried',
    );
    expect(failure?.error).toBe(
      'FlushError: cloudwatch-logs: could not quarantine refused events of record m1 ← caused by ' +
        'CredentialsProviderError: Could not load credentials from any providers',
    );
    expect(output).not.toContain(message.body);
  });
});
