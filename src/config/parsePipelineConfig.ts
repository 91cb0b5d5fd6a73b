import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.ts';
import { firstPlaceholder } from './deployPlaceholders.ts';
import {
  type FlusherDescription,
  type PipelineFail,
  parsePipelineFlushers,
} from './parsePipelineFlushers.ts';
import { describeValue, isMapping } from './scalarText.ts';

/** The variable naming the pipeline file: every ConfigError about the file names it. */
export const PIPELINE_CONFIG = 'PIPELINE_CONFIG';

/** A pipeline file, validated. */
export interface PipelineDescription {
  readonly flushers: readonly FlusherDescription[];
  /** Name of the flusher whose destination holds quarantined records. */
  readonly quarantine: string;
}

/** The ConfigError about `where` (`flushers[1] (search).RetentionDays`) in the pipeline `file`. */
export function pipelineConfigError(
  file: string,
  where: string,
  detail: string,
  cause?: unknown,
): ConfigError {
  return new ConfigError(
    PIPELINE_CONFIG,
    `${file}: ${where}: ${detail}`,
    cause === undefined ? {} : { cause },
  );
}

const TOP_LEVEL_FIELDS = ['flushers', 'quarantine', 'enable', 'global'];

const NOT_DONE_HERE: Readonly<Record<string, string>> = {
  inputs: 'not supported: the input is the Lambda event source (SQS or Kinesis) that invokes the function',
  processors:
    'not supported: LogGroups are flushed as they arrive; process them in the collector that sends them',
  aggregators:
    'not supported: LogGroups are flushed as they arrive; aggregate in the collector that sends them',
};

/**
 * Parse and validate a LoongCollector-style pipeline file (README "Pipelines"): YAML, or JSON when
 * `file` ends in `.json`. Pure: nothing is built and no environment is read. Every problem is a
 * ConfigError on `PIPELINE_CONFIG` naming the file, the flusher and the field.
 *
 * @example
 * ```ts
 * const description = parsePipelineConfig('flushers:\n  - Type: flusher_stdout\n', 'p.yaml');
 * description.flushers[0]?.name; // 'flusher_stdout'
 * ```
 */
export function parsePipelineConfig(text: string, file: string): PipelineDescription {
  const fail: PipelineFail = (where, detail) => {
    throw pipelineConfigError(file, where, detail);
  };
  const root = parseText(text, file);
  if (!isMapping(root))
    return fail('top level', `must be a mapping with a flushers list; got ${describeValue(root)}`);
  for (const key of Object.keys(root)) {
    if (Object.hasOwn(NOT_DONE_HERE, key)) fail(key, NOT_DONE_HERE[key]!);
    if (!TOP_LEVEL_FIELDS.includes(key)) fail(key, `unknown field; known: ${TOP_LEVEL_FIELDS.join(', ')}`);
  }
  const unrendered = firstPlaceholder(root);
  if (unrendered !== undefined) {
    fail(
      unrendered.path,
      `holds ${unrendered.placeholder}, which only a deployment fills in (README "Deploying a pipeline"); ` +
        'to run this file elsewhere, write the value itself',
    );
  }
  if (Object.hasOwn(root, 'enable') && root.enable !== true) {
    fail(
      'enable',
      root.enable === false ? 'this pipeline is disabled' : `must be true; got ${describeValue(root.enable)}`,
    );
  }
  const flushers = parsePipelineFlushers(root.flushers, fail);
  return { flushers, quarantine: quarantineName(root, flushers, fail) };
}

function parseText(text: string, file: string): unknown {
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw pipelineConfigError(file, 'invalid JSON', (error as Error).message, error);
    }
  }
  const document = parseDocument(text);
  // Warnings too: an unresolved tag such as `!Ref` would otherwise become a plain string.
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem !== undefined) {
    throw pipelineConfigError(
      file,
      'invalid YAML',
      problem.message.split('\n')[0]!.replace(/:$/, ''),
      problem,
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw pipelineConfigError(file, 'invalid YAML', (error as Error).message, error);
  }
}

function quarantineName(
  root: Record<string, unknown>,
  flushers: readonly FlusherDescription[],
  fail: PipelineFail,
): string {
  if (!Object.hasOwn(root, 'quarantine')) return flushers[0]!.name;
  const name = root.quarantine;
  if (typeof name !== 'string' || !flushers.some((flusher) => flusher.name === name)) {
    fail(
      'quarantine',
      `must be the Name of one of the flushers (${flushers.map((flusher) => flusher.name).join(', ')}); ` +
        `got ${describeValue(name)}`,
    );
  }
  return name as string;
}
