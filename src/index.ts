// Public API of loggroup-flusher. Every export is named here.

export { KINESIS_MAX_RECORD_BYTES, SQS_MAX_MESSAGE_BYTES } from './cli/recordLimits.ts';
export { FLUSHER_KINDS, type FlusherKind } from './config/destinationFromEnv.ts';
export { type Env, env } from './config/env.ts';
export { FLUSHER_OPTIONS, FLUSHER_TYPE_NAMES, type FlusherTypeName } from './config/flusherTypes.ts';
export { handlerOptionsFromEnv, runtimeOptionsFromEnv } from './config/handlerOptionsFromEnv.ts';
export { type Pipeline, pipelineFromConfig, pipelineFromFile } from './config/pipelineFromConfig.ts';
export {
  ChecksumError,
  ConfigError,
  DeadlineError,
  DecodeError,
  EncodeError,
  FlushError,
  FlusherStoppedError,
  InvalidEventError,
  LogGroupFlusherError,
  PoisonReason,
  PoisonRecordError,
  SizeLimitError,
  UnsupportedFormatError,
} from './errors.ts';
export type {
  Flusher,
  FlusherContext,
  FlusherLogger,
  FlusherMetrics,
  FlusherMetricUnit,
  FlushOptions,
  StopOptions,
} from './flusher/Flusher.ts';
export { FlusherLifecycle, raceAbort } from './flusher/FlusherLifecycle.ts';
export {
  CloudWatchLogsFlusher,
  type CloudWatchLogsFlusherDeps,
} from './flushers/cloudwatch/CloudWatchLogsFlusher.ts';
export {
  type CloudWatchLogsConfig,
  type CloudWatchQuarantineConfig,
  cloudWatchConfigFromEnv,
  cloudWatchQuarantineConfigFromEnv,
} from './flushers/cloudwatch/config.ts';
export {
  type CreateCloudWatchLogsFlusherOptions,
  createCloudWatchLogsClient,
  createCloudWatchLogsFlusher,
} from './flushers/cloudwatch/createCloudWatchLogsFlusher.ts';
export { processResourceCache, ResourceCache } from './flushers/cloudwatch/ResourceCache.ts';
export { FileFlusher, type FileFlusherOptions } from './flushers/file/FileFlusher.ts';
export { CircuitBreaker, type CircuitBreakerOptions, CircuitState } from './flushers/s3/CircuitBreaker.ts';
export {
  ParquetCompression,
  S3_DEFAULTS,
  S3_ENV,
  S3Checksum,
  S3Compression,
  type S3Config,
  S3Format,
  S3RetryMode,
  s3Config,
  s3ConfigFromEnv,
} from './flushers/s3/config.ts';
export { createS3Client } from './flushers/s3/createS3Client.ts';
export { createS3Destination, type S3Destination } from './flushers/s3/createS3Destination.ts';
export { DEFAULT_KEY_TEMPLATE } from './flushers/s3/keyTemplate.ts';
export { type S3ObjectTags, S3Sse, S3StorageClass } from './flushers/s3/objectSettings.ts';
export { createS3Flusher, S3Flusher, type S3FlusherOptions } from './flushers/s3/S3Flusher.ts';
export { StdoutFlusher, type StdoutFlusherOptions } from './flushers/stdout/StdoutFlusher.ts';
export { CloudWatchTag } from './input/cloudwatchSubscription.ts';
export {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type DecodedPayload,
  type DecodeOptions,
  decodePayload,
  InputFormat,
  MAX_COMPRESSION_LAYERS,
} from './input/decodePayload.ts';
export { deaggregateKpl, isKplAggregate, KPL_MAGIC } from './input/kpl.ts';
export { parseInputOptions } from './input/parseInputOptions.ts';
export { decodeLogGroup, decodeLogGroupList, LogsAs } from './protocol/decodeLogGroup.ts';
export { type EncodedLogs, encodedLogs, logCount } from './protocol/encodedLogs.ts';
export { encodeLogGroup, encodeLogGroupList } from './protocol/encodeLogGroup.ts';
export type { KeyValue, Log, LogGroup } from './protocol/LogGroup.ts';
export {
  decodeLogGroupListJson,
  encodeLogGroupListJson,
  type LogGroupJson,
  type LogGroupListJson,
  type LogJson,
  toLogGroupListJson,
} from './protocol/logGroupJson.ts';
export { formatJsonLines, type LogLineFormatter, logLineFormatter } from './protocol/logLine.ts';
export {
  CloudWatchQuarantineSink,
  type CloudWatchQuarantineSinkDeps,
  createCloudWatchQuarantineSink,
} from './quarantine/CloudWatchQuarantineSink.ts';
export { ConsoleQuarantineSink } from './quarantine/ConsoleQuarantineSink.ts';
export { FileQuarantineSink } from './quarantine/FileQuarantineSink.ts';
export type { QuarantineEntry, QuarantineSink } from './quarantine/QuarantineSink.ts';
export { type QuarantineDocument, quarantineDocument } from './quarantine/quarantineDocument.ts';
export { S3QuarantineSink, type S3QuarantineSinkOptions } from './quarantine/S3QuarantineSink.ts';
export { defaultUrgencyMarginMs } from './runtime/Deadline.ts';
export type { FlusherSource } from './runtime/FlusherHolder.ts';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_LOGSTORE,
  DEFAULT_PROJECT,
  defaultMaxBatchDecodedBytes,
  FALLBACK_MAX_BATCH_DECODED_BYTES,
  type HandlerOptions,
} from './runtime/HandlerOptions.ts';
export { createKinesisHandler, createSqsHandler, type LambdaHandler } from './runtime/handlers.ts';
export { ROUTING_TAGS } from './runtime/routing.ts';
export { DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS, LAMBDA_SHUTDOWN_BUDGET_MS } from './runtime/shutdownHook.ts';
export { type BackoffPolicy, backoffDelay, retryWithBackoff } from './shared/backoff.ts';
export {
  DURABLE_KEYS_REMEMBERED,
  DURABLE_KEYS_TTL_MS,
  DurableKeys,
  type DurableKeysOptions,
} from './shared/DurableKeys.ts';
export { SQS_ROUTING_ATTRIBUTES } from './sources/sqsSource.ts';
