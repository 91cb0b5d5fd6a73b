// Local osls plugin of this service (listed in serverless.yml). It does six things:
//
// 1. Builds the shutdown extension layer (infra/extension/) before packaging, into a folder of
//    this process under .esbuild/, and points the `shutdownExtension` layer at it.
// 2. Keeps `serverless package` offline. osls compares each layer with the deployed stack's
//    outputs (CloudFormation DescribeStacks) to skip re-uploading an unchanged layer. A standalone
//    `package` produces an artifact for any later deploy, so it skips that comparison (the layer is
//    then uploaded by the deploy, as a new version when its hash changed). `deploy` keeps it.
// 3. Checks the compiled template before it is written: the ingest queue's visibility timeout must
//    be at least 6 × the SQS function's timeout plus its batching window (AWS's guidance; shorter
//    means messages still being processed reappear and are delivered twice).
// 4. Removes serverless-esbuild's build folder after `invoke local` (it leaves it behind).
// 5. Deploys a pipeline (README "Pipelines"): with `--param pipelineConfig=FILE` (a YAML or JSON
//    file in this repository), it renders the file's `${param:NAME}` placeholders with the stage's
//    parameters, validates it as the function will at cold start, refuses a flusher that would
//    write outside the IAM grants (the stack's bucket under keyPrefix, log groups under
//    logGroupPrefix), puts the rendered file into both functions' bundles at FILE's path, sets
//    PIPELINE_CONFIG=/var/task/FILE and leaves out FLUSHER and the single-flusher variables.
// 6. Grants what the S3 flusher's object options need (infra/s3OptionGrants.ts): KMS use of the
//    SSE-KMS key (s3Sse=aws:kms, s3SseKmsKeyId) and s3:PutObjectTagging for object tags
//    (s3ObjectTags), read from the functions' environment (FLUSHER=s3) or the pipeline's S3
//    flushers. Nothing is added while these options are unset. The functions' environment is first
//    validated as at cold start: the runtime options, and without a pipeline file FLUSHER and its
//    destination's variables.
'use strict';

const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const {
  buildShutdownExtensionLayer,
  NODE_TARGET,
  SLS_BUILD_FOLDER,
  SLS_WORK_FOLDER,
} = require('./esbuildOptions.cjs');

/** The layer in serverless.yml whose content this plugin builds. */
const LAYER_NAME = 'shutdownExtension';
/** AWS: visibility timeout ≥ 6 × function timeout (+ batching window) for SQS event sources. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Where Lambda puts the function's bundle. */
const LAMBDA_TASK_ROOT = '/var/task';
/** Variables of the single-flusher configuration (FLUSHER=…): a pipeline file replaces them. */
const SINGLE_FLUSHER_VARIABLES = /^(FLUSHER|FILE_DIR|S3_.+|CWL_.+)$/;
/** Commands that package or run the functions: the only ones a pipeline file matters to. */
const PIPELINE_COMMANDS = ['package', 'deploy', 'deploy function', 'invoke local'];

class LogGroupFlusherPlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    // serverless-esbuild moves serviceDir into its build folder for `invoke local`: keep the real one.
    this.serviceDir = serverless.serviceDir;
    this.layerDir = undefined;
    /** `{ file, rendered }` once a pipeline file is prepared. */
    this.pipeline = undefined;
    this.hooks = {
      initialize: () => {
        this.preparePipeline();
        this.grantS3Options();
      },
      // Before serverless-esbuild bundles and zips (its hook on createDeploymentArtifacts).
      'package:initialize': () => this.writePipeline(),
      'deploy:function:initialize': () => this.writePipeline(),
      // After osls set the function's environment: point it at the bundle's copy, as in Lambda.
      'before:invoke:local:invoke': () => this.writePipeline({ local: true }),
      'before:package:createDeploymentArtifacts': () => this.buildLayer(),
      'after:package:createDeploymentArtifacts': () => this.removeLayerBuild(),
      'before:package:compileLayers': () => this.skipLayerLookupForPackage(),
      'before:aws:package:finalize:saveServiceState': () => this.checkTemplate(),
      // serverless-esbuild leaves its `invoke local` build behind.
      'after:invoke:local:invoke': () =>
        rmSync(path.join(this.serviceDir, SLS_WORK_FOLDER), { recursive: true, force: true }),
    };
  }

  get command() {
    return this.serverless.processedInput.commands.join(' ');
  }

  /** The stage's parameters as `${param:…}` resolves them: --param, then the stage's, then default. */
  resolvedParams() {
    const stage = this.serverless.service.provider.stage;
    const configured = this.serverless.configurationInput?.params ?? {};
    const params = {};
    for (const source of [configured.default, configured[stage]]) {
      for (const [name, value] of Object.entries(source ?? {})) if (value != null) params[name] = value;
    }
    for (const item of [this.serverless.processedInput.options.param ?? []].flat()) {
      const equals = String(item).indexOf('=');
      if (equals > 0) params[item.slice(0, equals)] = item.slice(equals + 1).trimEnd();
    }
    return params;
  }

  preparePipeline() {
    const given = this.serverless.service.custom?.pipeline?.config;
    if (!given || !PIPELINE_COMMANDS.includes(this.command)) return;
    const fail = (detail) => {
      throw new this.serverless.classes.Error(`pipelineConfig: ${detail}`);
    };
    const file = path
      .relative(this.serviceDir, path.resolve(this.serviceDir, String(given)))
      .split(path.sep)
      .join('/');
    if (file === '' || file === '..' || file.startsWith('../') || path.isAbsolute(file)) {
      fail(`${given} must be a file inside the service directory (it is packaged at the same path)`);
    }
    let text;
    try {
      text = readFileSync(path.join(this.serviceDir, file), 'utf8');
    } catch (error) {
      fail(`cannot read ${file}: ${error.message}`);
    }
    const params = this.resolvedParams();
    const tools = loadDeployPipeline();
    let rendered;
    let check;
    try {
      rendered = tools.renderPipelineFile(text, file, params);
      check = tools.checkPipelineForDeploy(rendered, file, {
        bucket: String(params.bucketName),
        keyPrefix: String(params.keyPrefix ?? ''),
        region: this.serverless.service.provider.region,
        logGroupPrefix: String(params.logGroupPrefix),
      });
    } catch (error) {
      fail(error.message);
    }
    if (check.problems.length > 0) {
      fail(`the pipeline writes outside what the stack's IAM role grants:\n  ${check.problems.join('\n  ')}`);
    }

    const { provider, functions } = this.serverless.service;
    for (const name of Object.keys(provider.environment ?? {})) {
      if (SINGLE_FLUSHER_VARIABLES.test(name)) delete provider.environment[name];
    }
    provider.environment = {
      ...provider.environment,
      PIPELINE_CONFIG: path.posix.join(LAMBDA_TASK_ROOT, file),
    };
    for (const fn of Object.values(functions ?? {})) {
      if (typeof fn.description === 'string')
        fn.description = fn.description.replace(/ to \S+$/, ` through the pipeline ${file}`);
    }
    this.pipeline = { file, rendered, s3Configs: check.s3Configs };
    this.log?.info(`pipeline ${file}: ${check.flushers.join(', ')}`);
  }

  /**
   * Add the role statements the S3 object options need (KMS key use, object tagging), scoped to the
   * key ARN and the granted key prefix, from configurations validated as at cold start.
   */
  grantS3Options() {
    if (!PIPELINE_COMMANDS.includes(this.command)) return;
    const { provider } = this.serverless.service;
    const environment = provider.environment ?? {};
    const tools = loadDeployPipeline();
    const fromEnvironment = this.checkEnvironment(tools, environment);
    const configs = this.pipeline?.s3Configs ?? fromEnvironment;
    let statements;
    try {
      statements = tools.s3OptionStatements(configs, String(this.resolvedParams().keyPrefix ?? ''));
    } catch (error) {
      throw new this.serverless.classes.Error(`S3 options: ${error.message}`);
    }
    if (statements.length === 0) return;
    provider.iam.role.statements.push(...statements);
    this.log?.info(`S3 options: granted ${statements.map((statement) => statement.Sid).join(', ')}`);
  }

  /**
   * The functions' environment validated as they will at cold start (the runtime options, and
   * without a pipeline file FLUSHER and its destination's variables), so a bad value (FLUSHER=ftp,
   * CWL_RETENTION_DAYS=31, SHUTDOWN_TIMEOUT_MS=abc) stops the packaging (or `invoke local`, before
   * it builds) instead of failing every cold start. Returns the S3 configurations of FLUSHER=s3.
   */
  checkEnvironment(tools, environment) {
    try {
      return tools.checkEnvironmentForDeploy(environment, { pipeline: this.pipeline !== undefined });
    } catch (error) {
      throw new this.serverless.classes.Error(`provider.environment: ${error.message}`);
    }
  }

  /**
   * Put the rendered pipeline file into serverless-esbuild's build folder, which both functions'
   * zips (and `invoke local`) are made from, at the file's path in the repository.
   */
  writePipeline({ local = false } = {}) {
    if (this.pipeline === undefined) return;
    const target = path.join(this.serviceDir, SLS_WORK_FOLDER, SLS_BUILD_FOLDER, this.pipeline.file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, this.pipeline.rendered);
    if (local) {
      // invoke local runs in that folder, standing in for /var/task; a FLUSHER inherited from the
      // shell would clash with PIPELINE_CONFIG (the deployed function has none).
      process.env.PIPELINE_CONFIG = target;
      delete process.env.FLUSHER;
    }
  }

  async buildLayer() {
    const layer = this.serverless.service.layers?.[LAYER_NAME];
    if (layer === undefined) return;
    this.layerDir = path.join(this.serviceDir, '.esbuild', `layer-${process.pid}`);
    await buildShutdownExtensionLayer(this.layerDir);
    layer.path = path.relative(this.serviceDir, this.layerDir);
    this.log?.info(`shutdown extension layer built in ${layer.path}`);
  }

  removeLayerBuild() {
    if (this.layerDir !== undefined) rmSync(this.layerDir, { recursive: true, force: true });
  }

  skipLayerLookupForPackage() {
    if (this.command !== 'package') return;
    const compiler = this.serverless.pluginManager.plugins.find(
      (plugin) => plugin.constructor.name === 'AwsCompileLayers',
    );
    if (compiler === undefined) throw new Error('osls changed: AwsCompileLayers plugin not found');
    compiler.compareWithLastLayer = async () => undefined;
  }

  checkTemplate() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
      const queueId = resource.Properties.EventSourceArn?.['Fn::GetAtt']?.[0];
      const queue = template.Resources[queueId];
      if (queue?.Type !== 'AWS::SQS::Queue') continue;
      const functionId = resource.Properties.FunctionName?.['Fn::GetAtt']?.[0];
      const timeout = Number(template.Resources[functionId]?.Properties?.Timeout ?? 6);
      const window = Number(resource.Properties.MaximumBatchingWindowInSeconds ?? 0);
      const needed = VISIBILITY_TIMEOUT_FACTOR * timeout + window;
      const visibility = Number(queue.Properties.VisibilityTimeout ?? 30);
      if (!(visibility >= needed)) {
        throw new this.serverless.classes.Error(
          `${queueId}: VisibilityTimeout ${visibility} s is below ${VISIBILITY_TIMEOUT_FACTOR} × ` +
            `${timeout} s (function timeout) + ${window} s (batching window) = ${needed} s, needed by ${id}. ` +
            'Raise the queueVisibilityTimeout parameter.',
        );
      }
    }
  }
}

/**
 * infra/deployPipeline.ts, bundled (CommonJS, in memory): the pipeline parser the functions use,
 * so a file is refused at package time exactly as it would be at cold start.
 */
function loadDeployPipeline() {
  if (loadDeployPipeline.loaded !== undefined) return loadDeployPipeline.loaded;
  const { buildSync } = require('esbuild');
  const root = path.join(__dirname, '..');
  const filename = path.join(__dirname, 'deployPipeline.bundle.cjs');
  const { outputFiles } = buildSync({
    absWorkingDir: root,
    entryPoints: ['infra/deployPipeline.ts'],
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'cjs',
    write: false,
    logLevel: 'warning',
  });
  const loaded = new Module(filename, module);
  loaded.filename = filename;
  loaded.paths = Module._nodeModulePaths(__dirname);
  loaded._compile(outputFiles[0].text, filename);
  loadDeployPipeline.loaded = loaded.exports;
  return loaded.exports;
}

module.exports = LogGroupFlusherPlugin;
