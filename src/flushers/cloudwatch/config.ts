import { type Env, env } from '../../config/env.ts';
import { ConfigError } from '../../errors.ts';
import type { BackoffPolicy } from '../../shared/backoff.ts';
import { KMS_KEY_ARN, notAKmsKeyArn } from '../shared/kmsKeyArn.ts';
import { RETENTION_DAYS_ALLOWED } from './limits.ts';
import { compileNameTemplate, type NameTemplate } from './nameTemplate.ts';

/** Default CWL_LOG_GROUP: one log group per project and logstore. */
export const DEFAULT_LOG_GROUP_TEMPLATE = '/loggroup-flusher/{project}/{logstore}';
/** Default CWL_LOG_STREAM: one log stream per source (the machine iLogtail collected on). */
export const DEFAULT_LOG_STREAM_TEMPLATE = '{source}';
/** Default CWL_CONCURRENCY: PutLogEvents requests in flight at once, per flush. */
export const DEFAULT_CONCURRENCY = 4;
/** Default CWL_MAX_ATTEMPTS: tries per request, the first included. */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Default CWL_REQUEST_TIMEOUT_MS: one HTTP request's time limit. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default backoff between attempts: full jitter from 100 ms, doubling, capped at 5 s. */
export const DEFAULT_BACKOFF: Omit<BackoffPolicy, 'maxAttempts'> = { baseMs: 100, maxMs: 5_000 };

/** The CloudWatch Logs destination's configuration, validated. */
export interface CloudWatchLogsConfig {
  readonly logGroup: NameTemplate;
  readonly logStream: NameTemplate;
  /** Create missing log groups and streams on first use. */
  readonly create: boolean;
  /** Retention set on log groups this flusher creates; also the age limit checked before sending. */
  readonly retentionDays?: number | undefined;
  /** KMS key (ARN) associated with log groups this flusher creates. */
  readonly kmsKeyId?: string | undefined;
  /** Send this content key's value as the raw message instead of the JSON log line. */
  readonly messageKey?: string | undefined;
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  readonly backoff: BackoffPolicy;
}

/**
 * Parse and validate the CloudWatch Logs settings from the environment (at cold start: a bad
 * value throws a ConfigError naming its variable).
 *
 * @example
 * ```ts
 * const config = cloudWatchConfigFromEnv({ CWL_LOG_GROUP: '/app/{project}', CWL_RETENTION_DAYS: '30' });
 * ```
 */
export function cloudWatchConfigFromEnv(vars: Env = process.env): CloudWatchLogsConfig {
  const maxAttempts = env.integer(vars, 'CWL_MAX_ATTEMPTS', DEFAULT_MAX_ATTEMPTS, 1, 20);
  return {
    logGroup: compileNameTemplate(
      env.optional(vars, 'CWL_LOG_GROUP') ?? DEFAULT_LOG_GROUP_TEMPLATE,
      'group',
      'CWL_LOG_GROUP',
    ),
    logStream: compileNameTemplate(
      env.optional(vars, 'CWL_LOG_STREAM') ?? DEFAULT_LOG_STREAM_TEMPLATE,
      'stream',
      'CWL_LOG_STREAM',
    ),
    create: env.bool(vars, 'CWL_CREATE', true),
    retentionDays: retention(vars, 'CWL_RETENTION_DAYS'),
    kmsKeyId: kmsKey(vars),
    messageKey: env.optional(vars, 'CWL_MESSAGE_KEY'),
    concurrency: env.integer(vars, 'CWL_CONCURRENCY', DEFAULT_CONCURRENCY, 1, 64),
    requestTimeoutMs: env.integer(vars, 'CWL_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 100, 900_000),
    backoff: { ...DEFAULT_BACKOFF, maxAttempts },
  };
}

/** Default CWL_QUARANTINE_LOG_GROUP. */
export const DEFAULT_QUARANTINE_LOG_GROUP = '/loggroup-flusher/quarantine';
/** Default CWL_QUARANTINE_LOG_STREAM. */
export const DEFAULT_QUARANTINE_LOG_STREAM = 'quarantine';

/** Where {@link CloudWatchQuarantineSink} writes, validated. */
export interface CloudWatchQuarantineConfig {
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly create: boolean;
  /** Retention of the quarantine log group when it is created. Default: never expire. */
  readonly retentionDays?: number | undefined;
  readonly kmsKeyId?: string | undefined;
  readonly requestTimeoutMs: number;
  readonly backoff: BackoffPolicy;
}

/**
 * Parse the CloudWatch Logs quarantine settings: CWL_QUARANTINE_LOG_GROUP,
 * CWL_QUARANTINE_LOG_STREAM (fixed names, no placeholders), CWL_QUARANTINE_RETENTION_DAYS, and
 * the shared CWL_CREATE, CWL_KMS_KEY_ID, CWL_MAX_ATTEMPTS and CWL_REQUEST_TIMEOUT_MS.
 *
 * @example
 * ```ts
 * const config = cloudWatchQuarantineConfigFromEnv({ CWL_QUARANTINE_LOG_GROUP: '/app/quarantine' });
 * ```
 */
export function cloudWatchQuarantineConfigFromEnv(vars: Env = process.env): CloudWatchQuarantineConfig {
  const base = cloudWatchConfigFromEnv({
    CWL_CREATE: vars.CWL_CREATE,
    CWL_KMS_KEY_ID: vars.CWL_KMS_KEY_ID,
    CWL_MAX_ATTEMPTS: vars.CWL_MAX_ATTEMPTS,
    CWL_REQUEST_TIMEOUT_MS: vars.CWL_REQUEST_TIMEOUT_MS,
  });
  const fixedName = (name: string, fallback: string, kind: 'group' | 'stream') => {
    const value = env.optional(vars, name) ?? fallback;
    if (value.includes('{')) throw new ConfigError(name, 'the quarantine name is fixed: no placeholders');
    return compileNameTemplate(value, kind, name).render(NO_VALUES, 0);
  };
  return {
    logGroupName: fixedName('CWL_QUARANTINE_LOG_GROUP', DEFAULT_QUARANTINE_LOG_GROUP, 'group'),
    logStreamName: fixedName('CWL_QUARANTINE_LOG_STREAM', DEFAULT_QUARANTINE_LOG_STREAM, 'stream'),
    create: base.create,
    retentionDays: retention(vars, 'CWL_QUARANTINE_RETENTION_DAYS'),
    kmsKeyId: base.kmsKeyId,
    requestTimeoutMs: base.requestTimeoutMs,
    backoff: base.backoff,
  };
}

const NO_VALUES = {
  project: undefined,
  logstore: undefined,
  configName: undefined,
  source: undefined,
  topic: undefined,
};

function retention(vars: Env, name: string): number | undefined {
  const value = env.optional(vars, name);
  if (value === undefined) return undefined;
  const days = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!RETENTION_DAYS_ALLOWED.includes(days)) {
    throw new ConfigError(
      name,
      `"${value}" is not a retention CloudWatch Logs accepts; one of ${RETENTION_DAYS_ALLOWED.join(', ')}`,
    );
  }
  return days;
}

// KMS key ARNs are at most 256 characters (CreateLogGroup kmsKeyId).
const MAX_KMS_KEY_ID_LENGTH = 256;

function kmsKey(vars: Env): string | undefined {
  const value = env.optional(vars, 'CWL_KMS_KEY_ID');
  if (value === undefined) return undefined;
  if (value.length > MAX_KMS_KEY_ID_LENGTH) {
    throw new ConfigError('CWL_KMS_KEY_ID', `longer than ${MAX_KMS_KEY_ID_LENGTH} characters`);
  }
  // CreateLogGroup takes only a key ARN: an id or alias would fail at the first group created.
  if (!KMS_KEY_ARN.test(value)) throw new ConfigError('CWL_KMS_KEY_ID', notAKmsKeyArn(value));
  return value;
}
