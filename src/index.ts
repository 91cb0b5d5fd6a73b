// Public API of loggroup-flusher. Every export is named here.

export { FLUSHER_KINDS, type FlusherKind } from './config/destinationFromEnv.ts';
export { handlerOptionsFromEnv } from './config/handlerOptionsFromEnv.ts';
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
export { FileFlusher, type FileFlusherOptions } from './flushers/file/FileFlusher.ts';
export { StdoutFlusher, type StdoutFlusherOptions } from './flushers/stdout/StdoutFlusher.ts';
export {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type DecodedPayload,
  type DecodeOptions,
  decodePayload,
  InputFormat,
} from './input/decodePayload.ts';
export { deaggregateKpl, isKplAggregate } from './input/kpl.ts';
export { decodeLogGroup, decodeLogGroupList } from './protocol/decodeLogGroup.ts';
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
export { ConsoleQuarantineSink } from './quarantine/ConsoleQuarantineSink.ts';
export { FileQuarantineSink } from './quarantine/FileQuarantineSink.ts';
export type { QuarantineEntry, QuarantineSink } from './quarantine/QuarantineSink.ts';
export { type QuarantineDocument, quarantineDocument } from './quarantine/quarantineDocument.ts';
export { defaultUrgencyMarginMs } from './runtime/Deadline.ts';
export type { FlusherSource } from './runtime/FlusherHolder.ts';
export { DEFAULT_CONCURRENCY, type HandlerOptions } from './runtime/HandlerOptions.ts';
export { createKinesisHandler, createSqsHandler } from './runtime/handlers.ts';
export { ROUTING_TAGS } from './runtime/routing.ts';
export { DEFAULT_SHUTDOWN_STOP_TIMEOUT_MS, LAMBDA_SHUTDOWN_BUDGET_MS } from './runtime/shutdownHook.ts';
export { SQS_ROUTING_ATTRIBUTES } from './sources/sqsSource.ts';
