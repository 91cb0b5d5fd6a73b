import { describe, expect, it } from 'vitest';
import { FlushError } from '../../src/errors.ts';
import { describeError } from '../../src/shared/describeError.ts';

describe('describeError', () => {
  it('names the error and follows its cause chain', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const error = new FlushError('cloudwatch-logs: could not quarantine refused events of record m1', true, {
      cause: missing,
    });
    expect(describeError(error)).toBe(
      'FlushError: cloudwatch-logs: could not quarantine refused events of record m1 ← caused by ' +
        'CredentialsProviderError: Could not load credentials from any providers',
    );
  });

  it('describes anything thrown, and stops on a cycle and after a few causes', () => {
    expect(describeError(undefined)).toBe('Error: undefined');
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(describeError(a)).toBe('Error: a ← caused by Error: b');
    let deep: Error = new Error('0');
    for (let i = 1; i < 10; i++) deep = new Error(String(i), { cause: deep });
    expect(describeError(deep).split(' ← caused by ')).toHaveLength(5);
  });
});
