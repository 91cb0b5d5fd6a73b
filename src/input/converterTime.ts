import { DecodeError } from '../errors.ts';
import { UINT32_MAX } from '../protocol/LogGroup.ts';
import { exactIntegerText } from '../shared/exactIntegerText.ts';
import { jsonType } from './jsonText.ts';

const NS_PER_SECOND = 1_000_000_000;
const NS_PER_SECOND_BIG = 1_000_000_000n;
const MAX_NS_PART = NS_PER_SECOND - 1;
const DIGITS = /^\d{1,20}$/;

/** A log time as the LogGroup model holds it. */
export interface LogTime {
  time: number;
  timeNs: number | undefined;
}

/**
 * Read a converter `time`: Unix seconds (uint32), or Unix nanoseconds when the value is above the
 * uint32 range (LoongCollector's `EnableTimestampNanosecond` writes `seconds * 1e9 + ns` there).
 * Fractional seconds keep their fraction in `timeNs`. Numbers or decimal-digit strings.
 *
 * @example
 * ```ts
 * readConverterTime(1700000000123456789n.toString(), 'time'); // { time: 1700000000, timeNs: 123456789 }
 * ```
 */
export function readConverterTime(value: unknown, path: string, allowNanoseconds = true): LogTime {
  const digits =
    exactIntegerText(value) ?? (typeof value === 'string' && DIGITS.test(value) ? value : undefined);
  if (digits !== undefined) return fromBigInt(BigInt(digits), path, allowNanoseconds);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DecodeError(path, undefined, `expected Unix seconds or nanoseconds, got ${describe(value)}`);
  }
  if (Number.isInteger(value)) return fromBigInt(BigInt(value), path, allowNanoseconds);
  if (value > UINT32_MAX)
    throw new DecodeError(path, undefined, 'fractional time beyond the uint32 seconds range');
  const time = Math.floor(value);
  return { time, timeNs: Math.min(MAX_NS_PART, Math.round((value - time) * NS_PER_SECOND)) };
}

/** Read `__time_ns_part__`: nanoseconds within the second, 0..999999999, number or digit string. */
export function readNanosecondPart(value: unknown, path: string): number {
  const number = typeof value === 'string' && DIGITS.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > MAX_NS_PART) {
    throw new DecodeError(
      path,
      undefined,
      `expected nanoseconds in 0..${MAX_NS_PART}, got ${describe(value)}`,
    );
  }
  return number;
}

function fromBigInt(value: bigint, path: string, allowNanoseconds: boolean): LogTime {
  if (value < 0n) throw new DecodeError(path, undefined, 'negative time');
  if (value <= BigInt(UINT32_MAX)) return { time: Number(value), timeNs: undefined };
  const seconds = value / NS_PER_SECOND_BIG;
  if (!allowNanoseconds || seconds > BigInt(UINT32_MAX)) {
    throw new DecodeError(
      path,
      undefined,
      allowNanoseconds
        ? 'time beyond the uint32 range in seconds and in nanoseconds'
        : 'seconds beyond the uint32 range',
    );
  }
  return { time: Number(seconds), timeNs: Number(value % NS_PER_SECOND_BIG) };
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : jsonType(value);
}
