// Public API of loggroup-flusher. Every export is named here.

export {
  ChecksumError,
  ConfigError,
  DeadlineError,
  DecodeError,
  EncodeError,
  FlushError,
  FlusherStoppedError,
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
export { type LogLineFormatter, logLineFormatter } from './protocol/logLine.ts';
export type { QuarantineEntry, QuarantineSink } from './quarantine/QuarantineSink.ts';
