import { ConfigError } from '../errors.ts';

/** The process environment, or any map like it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Readers of environment variables that fail with a ConfigError naming the variable. */
export const env = {
  /** The trimmed value, or `fallback` when unset or blank. */
  string(vars: Env, name: string, fallback: string): string {
    const value = vars[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  },

  /** The trimmed value, or `undefined` when unset or blank. */
  optional(vars: Env, name: string): string | undefined {
    const value = vars[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  },

  required(vars: Env, name: string, why: string): string {
    const value = vars[name]?.trim();
    if (!value) throw new ConfigError(name, `is required ${why}`);
    return value;
  },

  /** One of `allowed`, compared case-insensitively, returned in its canonical spelling. */
  oneOf<T extends string>(vars: Env, name: string, allowed: readonly T[], fallback: T): T {
    const value = env.string(vars, name, fallback);
    const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      throw new ConfigError(
        name,
        `must be one of ${allowed.join(', ')}; got ${JSON.stringify(value.slice(0, 32))}`,
      );
    }
    return match;
  },

  /** A whole number in `min..max` (default: any positive safe integer). */
  integer(vars: Env, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
    const text = vars[name]?.trim();
    if (text === undefined || text === '') return fallback;
    const value = /^-?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= min && value <= max)) {
      throw new ConfigError(
        name,
        `must be a whole number in ${min}..${max}; got ${JSON.stringify(text.slice(0, 32))}`,
      );
    }
    return value;
  },

  optionalInteger(vars: Env, name: string, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
    return env.optional(vars, name) === undefined ? undefined : env.integer(vars, name, 0, min, max);
  },

  bool(vars: Env, name: string, fallback: boolean): boolean {
    const text = vars[name]?.trim().toLowerCase();
    if (text === undefined || text === '') return fallback;
    if (['1', 'true', 'on', 'yes'].includes(text)) return true;
    if (['0', 'false', 'off', 'no'].includes(text)) return false;
    throw new ConfigError(
      name,
      `must be true or false (on/off, 1/0); got ${JSON.stringify(text.slice(0, 32))}`,
    );
  },
} as const;
