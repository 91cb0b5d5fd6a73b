import { ConfigError } from '../errors.ts';

/** The process environment, or any map like it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Readers of environment variables that fail with a ConfigError naming the variable. */
export const env = {
  string(vars: Env, name: string, fallback: string): string {
    const value = vars[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  },

  required(vars: Env, name: string, why: string): string {
    const value = vars[name]?.trim();
    if (!value) throw new ConfigError(name, `is required ${why}`);
    return value;
  },

  oneOf<T extends string>(vars: Env, name: string, allowed: readonly T[], fallback: T): T {
    const value = env.string(vars, name, fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}; got "${value}"`);
    }
    return value as T;
  },

  positiveInt(vars: Env, name: string, fallback: number): number {
    const text = vars[name]?.trim();
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new ConfigError(name, `must be a positive integer; got "${text}"`);
    return value;
  },

  optionalPositiveInt(vars: Env, name: string): number | undefined {
    const text = vars[name]?.trim();
    return text === undefined || text === '' ? undefined : env.positiveInt(vars, name, 0);
  },

  bool(vars: Env, name: string, fallback: boolean): boolean {
    const text = vars[name]?.trim().toLowerCase();
    if (text === undefined || text === '') return fallback;
    if (['1', 'true', 'on', 'yes'].includes(text)) return true;
    if (['0', 'false', 'off', 'no'].includes(text)) return false;
    throw new ConfigError(name, `must be on/off (true/false, 1/0); got "${text}"`);
  },
} as const;
