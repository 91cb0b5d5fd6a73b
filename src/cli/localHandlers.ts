import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Env } from '../config/env.ts';
import { handlerOptionsFromEnv } from '../config/handlerOptionsFromEnv.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';
import { createKinesisHandler, createSqsHandler } from '../runtime/handlers.ts';
import { shutdownFlushers } from '../runtime/shutdownHook.ts';

/** Default output directory of local runs when neither FLUSHER nor FILE_DIR is set. */
export const LOCAL_OUTPUT_DIR = '.loggroup-output';

/**
 * The environment of a local run: the caller's, with quiet Powertools output and the file flusher
 * as the default destination (FLUSHER=file, FILE_DIR=.loggroup-output) unless FLUSHER or
 * PIPELINE_CONFIG (a pipeline file) is set.
 */
export function localEnv(vars: Env = process.env): Env {
  const local: Record<string, string | undefined> = { ...vars };
  local.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  local.POWERTOOLS_METRICS_DISABLED ??= 'true';
  local.SHUTDOWN_HOOK ??= 'off';
  if (!local.FLUSHER && !local.PIPELINE_CONFIG) {
    local.FLUSHER = 'file';
    local.FILE_DIR ??= LOCAL_OUTPUT_DIR;
  }
  // Powertools reads these from process.env when the handler builds its logger and metrics.
  for (const name of ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_DISABLED'] as const)
    process.env[name] = local[name];
  return local;
}

/**
 * Both real handlers, built from the (local) environment exactly as functions/* build them; the
 * quarantine is wrapped only to count what it receives for the run's summary.
 */
export function localHandlers(vars: Env) {
  const options = handlerOptionsFromEnv(vars);
  const stats = { quarantined: 0, quarantine: options.quarantine.description() };
  const quarantine: QuarantineSink = {
    description: () => options.quarantine.description(),
    put: async (entry, signal) => {
      await options.quarantine.put(entry, signal);
      stats.quarantined++;
    },
  };
  const counted = { ...options, quarantine, metrics: options.metrics ?? localMetrics() };
  return { sqs: createSqsHandler(counted), kinesis: createKinesisHandler(counted), stats };
}

/**
 * The handlers' metrics, as in Lambda, but without Powertools' own warnings on stderr ("No
 * application metrics to publish" after an invocation that failed), which would add a line to the
 * CLI's one-line error. Metrics themselves are off unless POWERTOOLS_METRICS_DISABLED=false.
 */
function localMetrics(): Metrics {
  const quiet = () => {};
  return new Metrics({
    namespace: 'LogGroupFlusher',
    serviceName: 'loggroup-flusher',
    logger: { debug: quiet, info: quiet, warn: quiet, error: (...args: unknown[]) => console.error(...args) },
  });
}

/** Drain and stop every flusher the handlers created (end of a local run). */
export function stopLocalFlushers(timeoutMs = 10_000): Promise<void> {
  return shutdownFlushers(timeoutMs);
}
