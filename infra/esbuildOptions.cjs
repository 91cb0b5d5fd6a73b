// The esbuild options of every build of the project, in one place: infra/bundle.ts (npm run build,
// tests), infra/esbuild.config.cjs (serverless-esbuild: deploy and `invoke local`) and
// infra/serverlessPlugin.cjs (the shutdown extension layer). CommonJS because serverless-esbuild
// and osls load their configuration and plugins with require(); types in esbuildOptions.d.cts.
'use strict';

const { chmodSync } = require('node:fs');
const path = require('node:path');

/** Some bundled dependencies still call `require`; ESM output needs it defined. */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The Node.js version the bundles target: the `nodejs22.x` Lambda runtime. */
const NODE_TARGET = 'node22';

/** The Lambda entry points, by output path (without extension). */
const FUNCTION_ENTRIES = {
  'functions/sqs': 'functions/sqs.ts',
  'functions/kinesis': 'functions/kinesis.ts',
};

/**
 * The external extension's name. Lambda requires it to equal the executable's file name in
 * /opt/extensions, which is where the layer's `extensions/` folder lands.
 */
const EXTENSION_NAME = 'loggroup-flusher-shutdown';
const EXTENSION_ENTRY = 'infra/extension/shutdownExtension.ts';

/**
 * Options for the function bundles. `esm` is what is deployed (`.mjs`, with the require banner);
 * `cjs` (`.cjs`) exists for `serverless invoke local`, which cannot load `.mjs` files.
 * Everything is bundled, AWS SDK v3 included (the versions pinned in package-lock.json, not the
 * runtime's copy). `keepNames` keeps class names, so error names (ConfigError, FlushError) stay
 * readable in logs and in the errorType Lambda reports.
 */
function functionBuildOptions(format, minify = true) {
  return {
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format,
    minify,
    keepNames: true,
    sourcemap: true,
    ...(format === 'esm' ? { banner: { js: REQUIRE_BANNER } } : {}),
    logLevel: 'warning',
  };
}

/**
 * Options for the extension executable: one CommonJS file without an extension (Lambda runs the
 * file itself), started through its shebang by the runtime's own `node`. It imports only Node
 * built-ins, so it is not minified: it stays readable in the layer.
 */
function extensionBuildOptions() {
  return {
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'cjs',
    minify: false,
    sourcemap: false,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  };
}

/**
 * serverless-esbuild's work folder, relative to the service: one per process, so concurrent runs
 * (tests, a developer) never share a build. Removed after packaging and after `invoke local`.
 */
const SLS_WORK_FOLDER = `.esbuild/${process.pid}`;

/**
 * serverless-esbuild's build folder inside the work folder: everything in it goes into each
 * function's zip, and `invoke local` runs there. infra/serverlessPlugin.cjs puts a pipeline file in it.
 */
const SLS_BUILD_FOLDER = '.build';

/** The repository root: entry points are relative to it. */
const ROOT = path.join(__dirname, '..');

/**
 * Build the shutdown extension layer's content into `outdir`: `extensions/loggroup-flusher-shutdown`,
 * executable (Lambda runs it as /opt/extensions/loggroup-flusher-shutdown). Resolves to its path.
 */
async function buildShutdownExtensionLayer(outdir) {
  const { build } = require('esbuild');
  const outfile = path.join(outdir, 'extensions', EXTENSION_NAME);
  await build({ ...extensionBuildOptions(), absWorkingDir: ROOT, entryPoints: [EXTENSION_ENTRY], outfile });
  chmodSync(outfile, 0o755);
  return outfile;
}

module.exports = {
  REQUIRE_BANNER,
  NODE_TARGET,
  FUNCTION_ENTRIES,
  EXTENSION_NAME,
  EXTENSION_ENTRY,
  functionBuildOptions,
  extensionBuildOptions,
  buildShutdownExtensionLayer,
  SLS_WORK_FOLDER,
  SLS_BUILD_FOLDER,
};
