import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { S3QuarantineSink } from '../../quarantine/S3QuarantineSink.ts';
import { DurableKeys } from '../../shared/DurableKeys.ts';
import { CircuitBreaker } from './CircuitBreaker.ts';
import type { S3Config } from './config.ts';
import { createS3Client } from './createS3Client.ts';
import { encryptionSettings } from './objectSettings.ts';
import { S3Flusher } from './S3Flusher.ts';

/** Everything `FLUSHER=s3` needs in one execution environment. */
export interface S3Destination {
  /**
   * Makes a fresh flusher (the runtime replaces one stopped at a deadline); all share one client,
   * one breaker and one memory of the keys S3 confirmed.
   */
  readonly flusher: () => S3Flusher;
  /** Quarantine into the same bucket, under `${S3_KEY_PREFIX}_quarantine/`, encrypted as the logs are. */
  readonly quarantine: S3QuarantineSink;
  /** The shared client (lives as long as the execution environment; flushers do not destroy it). */
  readonly client: S3Client;
  readonly breaker: CircuitBreaker;
}

/**
 * Build the S3 destination once per execution environment: one client (keep-alive connections
 * survive from one flusher instance to the next) and one circuit breaker (its memory of failures
 * survives a flusher being retired at a deadline), one memory of confirmed keys (so a redelivered
 * batch too large for one invocation goes on where the retired flusher stopped), a flusher factory
 * and the S3 quarantine.
 *
 * @example
 * ```ts
 * const s3 = createS3Destination(s3ConfigFromEnv(process.env));
 * export const handler = createSqsHandler({ ...options, flusher: s3.flusher, quarantine: s3.quarantine });
 * ```
 */
export function createS3Destination(config: S3Config, clientConfig: S3ClientConfig = {}): S3Destination {
  const client = createS3Client(config, clientConfig);
  const breaker = new CircuitBreaker({
    failureThreshold: config.breakerFailureThreshold,
    cooldownMs: config.breakerCooldownMs,
  });
  const durableKeys = new DurableKeys();
  return {
    flusher: () => new S3Flusher(config, { client, breaker, durableKeys }),
    quarantine: new S3QuarantineSink({
      client,
      bucket: config.bucket,
      keyPrefix: config.keyPrefix,
      encryption: encryptionSettings(config),
    }),
    client,
    breaker,
  };
}
