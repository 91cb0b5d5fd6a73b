// Local osls plugin of this service (listed in serverless.yml). It does four things:
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
'use strict';

const { rmSync } = require('node:fs');
const path = require('node:path');
const { buildShutdownExtensionLayer, SLS_WORK_FOLDER } = require('./esbuildOptions.cjs');

/** The layer in serverless.yml whose content this plugin builds. */
const LAYER_NAME = 'shutdownExtension';
/** AWS: visibility timeout ≥ 6 × function timeout (+ batching window) for SQS event sources. */
const VISIBILITY_TIMEOUT_FACTOR = 6;

class LogGroupFlusherPlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    // serverless-esbuild moves serviceDir into its build folder for `invoke local`: keep the real one.
    this.serviceDir = serverless.serviceDir;
    this.layerDir = undefined;
    this.hooks = {
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

module.exports = LogGroupFlusherPlugin;
