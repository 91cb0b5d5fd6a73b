import { bufferView } from '../shared/bufferView.ts';
import type { QuarantineEntry } from './QuarantineSink.ts';

/** The JSON document every quarantine sink stores for one entry. */
export interface QuarantineDocument {
  reason: string;
  detail: string;
  source: string;
  recordId: string;
  /** The pipeline flusher whose destination refused it, when one did. */
  flusher?: string;
  quarantinedAt: string;
  payloadBase64: string;
}

export function quarantineDocument(entry: QuarantineEntry, now = new Date()): QuarantineDocument {
  return {
    reason: entry.reason,
    detail: entry.detail,
    source: entry.source,
    recordId: entry.recordId,
    ...(entry.flusher === undefined ? {} : { flusher: entry.flusher }),
    quarantinedAt: now.toISOString(),
    payloadBase64: bufferView(entry.payload).toString('base64'),
  };
}
