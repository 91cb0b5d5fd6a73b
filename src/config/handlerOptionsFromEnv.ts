import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { parseInputOptions } from '../input/parseInputOptions.ts';
import type { HandlerOptions } from '../runtime/HandlerOptions.ts';
import { destinationFromEnv, FLUSHER_KINDS } from './destinationFromEnv.ts';
import { type Env, env } from './env.ts';
import { PIPELINE_CONFIG } from './parsePipelineConfig.ts';
import { pipelineFromFile } from './pipelineFromConfig.ts';

/**
 * Build handler options from environment variables (README "Configuration"). Called once at cold
 * start by `functions/*`: a bad variable fails the init with a ConfigError naming it. `FLUSHER`
 * picks one flusher configured by variables; `PIPELINE_CONFIG` names a pipeline file instead
 * (README "Pipelines").
 *
 * @example
 * ```ts
 * export const handler = createSqsHandler(handlerOptionsFromEnv(process.env));
 * ```
 */
export function handlerOptionsFromEnv(vars: Env): HandlerOptions {
  return { ...flushingFromEnv(vars, env.string(vars, 'QUARANTINE_DIR', '')), ...runtimeOptionsFromEnv(vars) };
}

/**
 * The options that do not depend on the flusher (routing defaults, input, limits, deadline and
 * shutdown), validated: {@link handlerOptionsFromEnv} without `FLUSHER` or `PIPELINE_CONFIG`.
 *
 * @example
 * ```ts
 * runtimeOptionsFromEnv({ INPUT_FORMAT: 'json' }).inputFormat; // 'json'
 * ```
 */
export function runtimeOptionsFromEnv(
  vars: Env,
): Omit<HandlerOptions, 'flusher' | 'flushers' | 'quarantine'> {
  const input = parseInputOptions(vars);
  return {
    project: env.optional(vars, 'PROJECT'),
    logstore: env.optional(vars, 'LOGSTORE'),
    configName: env.string(vars, 'CONFIG_NAME', ''),
    logstoreKey: env.string(vars, 'LOGSTORE_KEY', ''),
    inputFormat: input.format,
    maxDecompressedBytes: input.maxDecompressedBytes,
    maxBatchDecodedBytes: env.optionalInteger(vars, 'MAX_BATCH_DECODED_BYTES', 1024 * 1024),
    concurrency: env.optionalInteger(vars, 'FLUSH_CONCURRENCY', 1, 256),
    urgencyMarginMs: env.optionalInteger(vars, 'URGENCY_MARGIN_MS'),
    shutdownHook: env.bool(vars, 'SHUTDOWN_HOOK', true),
    orderAcrossDestinations: env.bool(vars, 'ORDER_ACROSS_DESTINATIONS', true),
    shutdownTimeoutMs: env.optionalInteger(vars, 'SHUTDOWN_TIMEOUT_MS'),
  };
}

function flushingFromEnv(
  vars: Env,
  quarantineDir: string,
): Pick<HandlerOptions, 'flusher' | 'flushers' | 'quarantine'> {
  const pipelineFile = env.optional(vars, PIPELINE_CONFIG);
  if (pipelineFile !== undefined) {
    if (env.optional(vars, 'FLUSHER') !== undefined) {
      throw new ConfigError(
        PIPELINE_CONFIG,
        'set either FLUSHER (one flusher) or PIPELINE_CONFIG (a pipeline file), not both',
      );
    }
    const pipeline = pipelineFromFile(pipelineFile, vars);
    return {
      flushers: pipeline.flushers,
      quarantine: quarantineDir ? pipeline.fileQuarantine(join(quarantineDir)) : pipeline.quarantine,
    };
  }
  env.required(
    vars,
    'FLUSHER',
    `(one of ${FLUSHER_KINDS.join(', ')}), or set ${PIPELINE_CONFIG} to a pipeline file`,
  );
  const kind = env.oneOf(vars, 'FLUSHER', FLUSHER_KINDS, 'stdout');
  const destination = destinationFromEnv(kind, vars);
  return {
    flusher: destination.flusher,
    quarantine: quarantineDir ? destination.fileQuarantine(join(quarantineDir)) : destination.quarantine,
  };
}
