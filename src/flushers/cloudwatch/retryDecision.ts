/**
 * Which CloudWatch Logs failures are worth retrying. Modelled on the SDK's own classification
 * (@smithy service-error-classification), but CloudWatch-specific: there `LimitExceededException`
 * means "too many log groups" and is permanent, not throttling, so the SDK's list cannot be reused
 * as is.
 */

/** Service errors that heal by waiting: throttling and the service's own trouble. */
const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'InternalServerException',
  'InternalFailure',
  'OperationAbortedException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'TooManyRequestsException',
]);

/** Socket-level failures of Node: resets, refusals, timeouts and DNS hiccups. */
const RETRYABLE_NODE_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/** The log group or stream does not exist (deleted meanwhile, or never created). */
export function isResourceNotFound(error: unknown): boolean {
  return shape(error).name === 'ResourceNotFoundException';
}

/** The group or stream being created exists already: for us that is success. */
export function isAlreadyExists(error: unknown): boolean {
  return shape(error).name === 'ResourceAlreadyExistsException';
}

/** An aborted request: by our own signal, or by the signal of a creation shared with another caller. */
export function isAbortError(error: unknown): boolean {
  return shape(error).name === 'AbortError';
}

/**
 * Whether retrying the same request later can succeed: throttling, 5xx, timeouts, connection
 * resets. An abort (our own deadline or stop) is never retried.
 */
export function isRetryableCloudWatchError(error: unknown, depth = 0): boolean {
  const e = shape(error);
  if (e.name === 'AbortError') return false;
  if (typeof e.name === 'string' && RETRYABLE_ERROR_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && RETRYABLE_NODE_CODES.has(e.code)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  return e.cause !== undefined && depth < 5 && isRetryableCloudWatchError(e.cause, depth + 1);
}
