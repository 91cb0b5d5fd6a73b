// Pipeline files in a deployment (README "Pipelines", "Deploy"). infra/serverlessPlugin.cjs bundles
// this module with esbuild when `--param pipelineConfig=FILE` is given, renders the file's
// `${param:NAME}` placeholders with the stage's parameters, validates the result exactly as the
// function will at cold start (pipelineFromConfig), and checks that every flusher writes where the
// stack's IAM role allows. The rendered file is what gets packaged.
import { parseDocument, visit } from 'yaml';
import { PLACEHOLDER } from '../src/config/deployPlaceholders.ts';
import { FLUSHER_KINDS } from '../src/config/destinationFromEnv.ts';
import { env } from '../src/config/env.ts';
import { handlerOptionsFromEnv, runtimeOptionsFromEnv } from '../src/config/handlerOptionsFromEnv.ts';
import { parsePipelineConfig } from '../src/config/parsePipelineConfig.ts';
import { pipelineFromConfig } from '../src/config/pipelineFromConfig.ts';
import { ConfigError } from '../src/errors.ts';
import {
  cloudWatchConfigFromEnv,
  cloudWatchQuarantineConfigFromEnv,
} from '../src/flushers/cloudwatch/config.ts';
import { type S3Config, s3ConfigFromEnv } from '../src/flushers/s3/config.ts';

export { type IamStatement, s3OptionStatements } from './s3OptionGrants.ts';

/** The stage's resolved parameters (serverless.yml `params`, overridden by `--param`). */
export type DeployParams = Readonly<Record<string, unknown>>;

/** What the stack's IAM role lets the flushers write (serverless.yml provider.iam). */
export interface DeployGrants {
  /** The stack's bucket (`bucketName`): S3 writes are granted on `<bucket>/<keyPrefix>*` only. */
  readonly bucket: string;
  readonly keyPrefix: string;
  /** The deployment's region: the bucket is created there. */
  readonly region: string;
  /** CloudWatch Logs writes are granted on log groups `<logGroupPrefix>/*` only. */
  readonly logGroupPrefix: string;
}

/** A pipeline file checked for deployment. */
export interface DeployCheck {
  /** `name (Type)` of each flusher, in order. */
  readonly flushers: readonly string[];
  /** Each flusher option that would write outside the IAM grants, explained; empty when none. */
  readonly problems: readonly string[];
  /** The configurations of the S3 flushers writing to the stack's bucket (for `s3OptionStatements`). */
  readonly s3Configs: readonly S3Config[];
}

const PARAM = /^param:([A-Za-z0-9_-]+)$/;

/**
 * Replace every `${param:NAME}` in the string values of a pipeline file (YAML, or JSON when the
 * name ends in `.json`) with the parameter's value. Comments and layout of a YAML file stay. An
 * unknown parameter, or any other `${…}` form, is an error naming the file: nothing is left for
 * the function to misread.
 *
 * @example
 * ```ts
 * renderPipelineFile('flushers:\n  - Type: s3\n    Bucket: ${param:bucketName}\n', 'p.yaml', { bucketName: 'b' });
 * // 'flushers:\n  - Type: s3\n    Bucket: b\n'
 * ```
 */
export function renderPipelineFile(text: string, file: string, params: DeployParams): string {
  const render = (value: string): string =>
    value.replace(PLACEHOLDER, (whole, inner: string) => {
      const name = PARAM.exec(inner.trim())?.[1];
      if (name === undefined) {
        throw new Error(
          `${file}: ${whole}: only \${param:NAME} placeholders are rendered in a pipeline file`,
        );
      }
      const param = params[name];
      if (typeof param !== 'string' && typeof param !== 'number' && typeof param !== 'boolean') {
        throw new Error(`${file}: ${whole}: no parameter "${name}" in serverless.yml params or --param`);
      }
      return String(param);
    });

  if (/\.json$/i.test(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: invalid JSON: ${(error as Error).message}`);
    }
    return `${JSON.stringify(renderStrings(parsed, render), null, 2)}\n`;
  }
  const document = parseDocument(text);
  const problem = document.errors[0];
  if (problem !== undefined) throw new Error(`${file}: invalid YAML: ${problem.message.split('\n')[0]}`);
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.value = render(node.value);
    },
  });
  return document.toString();
}

function renderStrings(value: unknown, render: (text: string) => string): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((item) => renderStrings(item, render));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderStrings(item, render)]));
  }
  return value;
}

/**
 * Validate a (rendered) pipeline file as the function will at cold start, throwing its ConfigError
 * (file, flusher and field), and list every flusher option that would write outside what the
 * stack's IAM role grants: an S3 flusher must write to the stack's bucket under `keyPrefix` (unless
 * it has its own `Endpoint`, an S3-compatible server), a CloudWatch Logs flusher to log groups
 * under `logGroupPrefix/`, and so must the CloudWatch quarantine when the pipeline's quarantine is
 * a CloudWatch Logs flusher.
 *
 * @example
 * ```ts
 * const { problems } = checkPipelineForDeploy(text, 'infra/pipelines/archive-and-search.yaml', grants);
 * ```
 */
export function checkPipelineForDeploy(text: string, file: string, grants: DeployGrants): DeployCheck {
  pipelineFromConfig(text, file, {});
  const description = parsePipelineConfig(text, file);
  const problems: string[] = [];
  const s3Configs: S3Config[] = [];
  const groupPrefix = `${grants.logGroupPrefix.replace(/\/+$/, '')}/`;
  for (const [index, flusher] of description.flushers.entries()) {
    const where = (option: string) => `${file}: flushers[${index}] (${flusher.name}).${option}`;
    if (flusher.kind === 's3') {
      const s3 = s3ConfigFromEnv(flusher.settings);
      if (s3.endpoint !== undefined) continue; // an S3-compatible server: not the stack's bucket, not IAM
      s3Configs.push(s3);
      if (s3.bucket !== grants.bucket) {
        problems.push(
          `${where('Bucket')}: "${s3.bucket}" is not the stack's bucket "${grants.bucket}" (parameter bucketName); ` +
            `write Bucket: \${param:bucketName}`,
        );
      }
      if (!s3.keyPrefix.startsWith(grants.keyPrefix)) {
        problems.push(
          `${where('KeyPrefix')}: "${s3.keyPrefix}" does not start with the granted prefix "${grants.keyPrefix}" ` +
            `(parameter keyPrefix); write KeyPrefix: \${param:keyPrefix}`,
        );
      }
      if (s3.region !== undefined && s3.region !== grants.region) {
        problems.push(`${where('Region')}: "${s3.region}", but the stack's bucket is in ${grants.region}`);
      }
    } else if (flusher.kind === 'cloudwatch-logs') {
      // Placeholder values never add a path level (a '/' in them becomes '_'): the literal text
      // before the first placeholder decides where every group lands.
      const template = cloudWatchConfigFromEnv(flusher.settings).logGroup.template;
      const literal = template.split('{')[0] ?? '';
      if (!literal.startsWith(groupPrefix)) {
        problems.push(
          `${where('LogGroup')}: "${template}" is not under the granted "${groupPrefix}" (parameter logGroupPrefix); ` +
            `write LogGroup: \${param:logGroupPrefix}/{project}/{logstore}`,
        );
      }
      if (flusher.name === description.quarantine) {
        const group = cloudWatchQuarantineConfigFromEnv(flusher.settings).logGroupName;
        if (!group.startsWith(groupPrefix)) {
          problems.push(
            `${where('QuarantineLogGroup')}: "${group}" (the pipeline's quarantine) is not under the granted ` +
              `"${groupPrefix}"; write QuarantineLogGroup: \${param:logGroupPrefix}/quarantine`,
          );
        }
      }
    }
  }
  return {
    flushers: description.flushers.map(({ name, type }) => `${name} (${type})`),
    problems,
    s3Configs,
  };
}

/**
 * Validate the functions' environment (provider.environment) as they will at cold start, throwing
 * its ConfigError (which names the variable): the runtime options always, and without a pipeline
 * file also `FLUSHER` and its destination's variables. Returns the S3 configuration the functions
 * write with (`FLUSHER=s3`), for s3OptionStatements; none for another flusher or a pipeline (whose
 * S3 flushers {@link checkPipelineForDeploy} returns). Every value must be literal, as
 * serverless.yml asks: a CloudFormation function cannot be checked before deployment.
 *
 * @example
 * ```ts
 * s3OptionStatements(checkEnvironmentForDeploy(provider.environment, { pipeline: false }), params.keyPrefix);
 * ```
 */
export function checkEnvironmentForDeploy(
  environment: Readonly<Record<string, unknown>>,
  { pipeline }: { readonly pipeline: boolean },
): S3Config[] {
  const vars = literalVariables(environment);
  if (pipeline) {
    runtimeOptionsFromEnv(vars);
    return [];
  }
  handlerOptionsFromEnv(vars);
  return env.oneOf(vars, 'FLUSHER', FLUSHER_KINDS, 'stdout') === 's3' ? [s3ConfigFromEnv(vars)] : [];
}

function literalVariables(environment: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => {
      if (value === undefined || value === null) return [name, ''];
      if (typeof value === 'object') {
        throw new ConfigError(
          name,
          `is not a literal value (${JSON.stringify(value).slice(0, 80)}): serverless.yml's function ` +
            'environment takes literal values only, so that it can be checked before deployment',
        );
      }
      return [name, String(value)];
    }),
  );
}
