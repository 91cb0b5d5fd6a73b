import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { S3Checksum, type S3Config } from './config.ts';

/**
 * The S3 client a flusher uses, built once from its configuration: region and endpoint
 * (`AWS_ENDPOINT_URL_S3`; left to the SDK's own lookup when unset), path-style addressing, the
 * checksum mode, the SDK's standard/adaptive retry with `maxAttempts`, and connect/request
 * timeouts (a request that outlives its timeout fails with a retryable TimeoutError).
 *
 * `overrides` are applied last (credentials for tests, a custom logger, …).
 *
 * @example
 * ```ts
 * const client = createS3Client(s3ConfigFromEnv(process.env));
 * ```
 */
export function createS3Client(config: S3Config, overrides: S3ClientConfig = {}): S3Client {
  const checksum = config.checksum === S3Checksum.whenRequired ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  return new S3Client({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
    ...overrides,
  });
}
