import type {
  PolicyFault as CwlFault,
  FaultPolicy as CwlFaultPolicy,
} from '../fixtures/cwl/CloudWatchLogsEndpoint.ts';
import {
  FAULTS,
  type PolicyFault as S3Fault,
  type FaultPolicy as S3FaultPolicy,
} from '../fixtures/s3/S3TestProxy.ts';
import type { S3Operation } from '../fixtures/s3/s3Wire.ts';
import type { Random } from '../helpers/random.ts';

/** Fault kinds injected on S3 writes, with their relative weights. */
export const S3_FAULT_MIX = {
  'slow-down-503': 30,
  'internal-error-500': 20,
  reset: 12,
  'reset-mid-body': 12,
  'drop-response': 12,
  delay: 9,
  stall: 5,
} as const;
export type S3FaultKind = keyof typeof S3_FAULT_MIX;

/** Fault kinds injected on CloudWatch Logs calls, with their relative weights. */
export const CWL_FAULT_MIX = {
  throttle: 25,
  'unavailable-500': 15,
  'bad-gateway-502': 10,
  reset: 12,
  'reset-mid-body': 12,
  'drop-response': 12,
  delay: 9,
  stall: 5,
} as const;
export type CwlFaultKind = keyof typeof CWL_FAULT_MIX;

/** The S3 calls that write (the only ones the flusher and its quarantine make). */
const S3_WRITES: ReadonlySet<S3Operation> = new Set([
  'PutObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
]);

/** Longest injected delay (ms): some delays outlast a short function timeout, most do not. */
const MAX_DELAY_MS = 1_200;

/** Draws faults for one destination at `rate`, from `mix`, and counts what it injected. */
export class FaultInjector<K extends string> {
  requests = 0;
  readonly injected: Partial<Record<K, number>> = {};

  constructor(
    readonly random: Random,
    readonly rate: number,
    readonly mix: Readonly<Record<K, number>>,
  ) {}

  get total(): number {
    return Object.values<number>(this.injected as Record<K, number>).reduce((sum, n) => sum + n, 0);
  }

  draw(): K | undefined {
    this.requests++;
    if (!this.random.chance(this.rate)) return undefined;
    const kind = this.random.weighted(this.mix);
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
    return kind;
  }

  delayMs(): number {
    return this.random.int(20, MAX_DELAY_MS);
  }
}

/** A policy for the S3 test proxy: faults on write calls only. */
export function s3FaultPolicy(injector: FaultInjector<S3FaultKind>): S3FaultPolicy {
  return (request) => {
    if (!S3_WRITES.has(request.operation)) return undefined;
    const kind = injector.draw();
    return kind === undefined ? undefined : s3Fault(kind, injector);
  };
}

function s3Fault(kind: S3FaultKind, injector: FaultInjector<S3FaultKind>): S3Fault {
  switch (kind) {
    case 'slow-down-503':
      return FAULTS.slowDown;
    case 'internal-error-500':
      return FAULTS.internalError;
    case 'reset':
      return FAULTS.reset;
    case 'reset-mid-body':
      return { kind: 'reset-mid-body' };
    case 'drop-response':
      return FAULTS.dropResponse;
    case 'delay':
      return { kind: 'delay', ms: injector.delayMs() };
    case 'stall':
      return FAULTS.stall;
  }
}

/** A policy for the CloudWatch Logs endpoint: faults on every operation. */
export function cwlFaultPolicy(injector: FaultInjector<CwlFaultKind>): CwlFaultPolicy {
  return () => {
    const kind = injector.draw();
    return kind === undefined ? undefined : cwlFault(kind, injector);
  };
}

function cwlFault(kind: CwlFaultKind, injector: FaultInjector<CwlFaultKind>): CwlFault {
  switch (kind) {
    case 'throttle':
      return { kind: 'throttle' };
    case 'unavailable-500':
      return { kind: 'unavailable' };
    case 'bad-gateway-502':
      return { kind: 'status', status: 502 };
    case 'reset':
      return { kind: 'reset' };
    case 'reset-mid-body':
      return { kind: 'reset-mid-body' };
    case 'drop-response':
      return { kind: 'drop-response' };
    case 'delay':
      return { kind: 'delay', ms: injector.delayMs() };
    case 'stall':
      return { kind: 'stall' };
  }
}

/** Keep only the kinds in `allowed` (all when undefined). */
export function restrictMix<K extends string>(
  mix: Readonly<Record<K, number>>,
  allowed: readonly string[] | undefined,
): Record<K, number> {
  const entries = Object.entries<number>(mix).filter(
    ([kind]) => allowed === undefined || allowed.includes(kind),
  );
  if (entries.length === 0) throw new Error(`no fault kind left of ${Object.keys(mix).join(', ')}`);
  return Object.fromEntries(entries) as Record<K, number>;
}
