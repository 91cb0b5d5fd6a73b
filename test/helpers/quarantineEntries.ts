import { PoisonReason } from '../../src/errors.ts';
import type { QuarantineEntry } from '../../src/quarantine/QuarantineSink.ts';

/** A quarantine entry holding `payload` (a poison SQS record unless `overrides` say otherwise). */
export function aQuarantineEntry(
  payload: Uint8Array | string,
  overrides: Partial<QuarantineEntry> = {},
): QuarantineEntry {
  return {
    reason: PoisonReason.malformed,
    detail: 'LogGroup.Logs at byte 3: truncated',
    source: 'sqs',
    recordId: 'm-1',
    payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    ...overrides,
  };
}
