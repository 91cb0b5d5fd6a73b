import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import type { PipelineFlusher } from '../pipeline/PipelineFlusher.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';
import { destinationFromEnv, type EnvDestination } from './destinationFromEnv.ts';
import type { Env } from './env.ts';
import { optionForVariable } from './flusherTypes.ts';
import { parsePipelineConfig, pipelineConfigError } from './parsePipelineConfig.ts';
import type { FlusherDescription } from './parsePipelineFlushers.ts';

/** A pipeline file, built: its flushers and the quarantine of the flusher it names. */
export interface Pipeline {
  readonly flushers: readonly PipelineFlusher[];
  /** The quarantine of the flusher named by `quarantine` (default: the first one). */
  readonly quarantine: QuarantineSink;
  /** A quarantine in a local directory instead (`QUARANTINE_DIR`). */
  readonly fileQuarantine: (directory: string) => QuarantineSink;
}

/**
 * Build a pipeline from the text of a LoongCollector-style pipeline file (README "Pipelines"),
 * once, at cold start. Each flusher's options stand for the variables of the single-flusher
 * configuration and go through the same validation; besides them, a flusher sees only the `AWS_*`
 * variables of `vars`. Every problem is a ConfigError on `PIPELINE_CONFIG` naming the file, the
 * flusher and the field.
 *
 * @example
 * ```ts
 * const pipeline = pipelineFromConfig(
 *   'flushers:\n  - Type: flusher_s3\n    Bucket: my-logs\n  - Type: flusher_stdout\n',
 *   'inline.yaml',
 *   process.env,
 * );
 * pipeline.flushers.map((flusher) => flusher.name); // ['flusher_s3', 'flusher_stdout']
 * ```
 */
export function pipelineFromConfig(text: string, file: string, vars: Env): Pipeline {
  const description = parsePipelineConfig(text, file);
  const aws = awsVariables(vars);
  const destinations = description.flushers.map((flusher, index) => build(flusher, index, aws, file));
  const chosen =
    destinations[description.flushers.findIndex((flusher) => flusher.name === description.quarantine)]!;
  return {
    flushers: description.flushers.map(({ name, match }, index) => ({
      name,
      flusher: destinations[index]!.flusher,
      match,
    })),
    quarantine: chosen.quarantine,
    fileQuarantine: chosen.fileQuarantine,
  };
}

/**
 * Read a pipeline file (`PIPELINE_CONFIG`) and build it with {@link pipelineFromConfig}: YAML, or
 * JSON when the name ends in `.json`.
 *
 * @example
 * ```ts
 * const pipeline = pipelineFromFile('/var/task/pipeline.yaml', process.env);
 * export const handler = createSqsHandler({ flushers: pipeline.flushers, quarantine: pipeline.quarantine });
 * ```
 */
export function pipelineFromFile(file: string, vars: Env): Pipeline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw pipelineConfigError(file, 'cannot read the file', (error as Error).message, error);
  }
  return pipelineFromConfig(text, file, vars);
}

function awsVariables(vars: Env): Env {
  return Object.fromEntries(Object.entries(vars).filter(([name]) => name.startsWith('AWS_')));
}

function build(flusher: FlusherDescription, index: number, aws: Env, file: string): EnvDestination {
  const where = `flushers[${index}] (${flusher.name})`;
  try {
    return destinationFromEnv(flusher.kind, { ...aws, ...flusher.settings });
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw pipelineConfigError(file, where, `cannot be built: ${(error as Error).message}`, error);
    }
    const fromEnvironment =
      !Object.hasOwn(flusher.settings, error.variable) && Object.hasOwn(aws, error.variable);
    const option = fromEnvironment ? undefined : optionForVariable(flusher.kind, error.variable);
    if (option === undefined) {
      const origin = fromEnvironment ? ' (set in the process environment)' : '';
      throw pipelineConfigError(file, where, `${error.message}${origin}`, error);
    }
    throw pipelineConfigError(file, `${where}.${option}`, error.detail, error);
  }
}
