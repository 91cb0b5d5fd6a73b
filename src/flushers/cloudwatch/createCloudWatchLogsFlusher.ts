import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DurableKeys } from '../../shared/DurableKeys.ts';
import { CloudWatchLogsFlusher } from './CloudWatchLogsFlusher.ts';
import type { CloudWatchLogsConfig } from './config.ts';
import type { ResourceCache } from './ResourceCache.ts';

/** Connecting (TCP + TLS) must not take longer than this, in ms. */
const CONNECTION_TIMEOUT_MS = 3_000;

/**
 * A CloudWatch Logs client for this destination: HTTP/1.1 keep-alive, a time limit per request,
 * and no SDK-level retries (the writer retries itself, with waits that end at the deadline).
 * Region, credentials and `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS` come from the environment as usual.
 *
 * @example
 * ```ts
 * const client = createCloudWatchLogsClient({ requestTimeoutMs: 10_000 });
 * ```
 */
export function createCloudWatchLogsClient(
  options: { readonly requestTimeoutMs: number },
  overrides: CloudWatchLogsClientConfig = {},
): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
    ...overrides,
  });
}

/** Optional parts of {@link createCloudWatchLogsFlusher}. */
export interface CreateCloudWatchLogsFlusherOptions {
  /** A client to use (not destroyed on stop). Default: a new one from {@link createCloudWatchLogsClient}. */
  readonly client?: CloudWatchLogsClient;
  /** Default: the process-wide cache, so warm invocations skip the create calls. */
  readonly cache?: ResourceCache;
  /** Clock for the time-window check. Default `Date.now`. */
  readonly now?: () => number;
  /** Default: the client's process-wide memory of stored requests, so redeliveries skip what was stored. */
  readonly storedBatches?: DurableKeys;
}

/**
 * Build the CloudWatch Logs flusher (`FLUSHER=cloudwatch-logs`).
 *
 * @example
 * ```ts
 * const flusher = createCloudWatchLogsFlusher(cloudWatchConfigFromEnv(process.env));
 * await flusher.init(context);
 * ```
 */
export function createCloudWatchLogsFlusher(
  config: CloudWatchLogsConfig,
  options: CreateCloudWatchLogsFlusherOptions = {},
): CloudWatchLogsFlusher {
  const client = options.client ?? createCloudWatchLogsClient(config);
  return new CloudWatchLogsFlusher(config, {
    client,
    ownsClient: options.client === undefined,
    cache: options.cache,
    now: options.now,
    storedBatches: options.storedBatches,
  });
}
