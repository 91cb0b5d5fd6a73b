// serverless-esbuild's configuration (custom.esbuild.config in serverless.yml): the same options
// as infra/bundle.ts. Deploy gets ESM `.mjs` bundles; `serverless invoke local` gets CommonJS
// `.cjs` bundles, because osls loads handlers with require() and cannot load `.mjs` (and a CJS
// `.js` file would be taken for ESM under this package's "type": "module").
'use strict';

const { functionBuildOptions, SLS_BUILD_FOLDER, SLS_WORK_FOLDER } = require('./esbuildOptions.cjs');

module.exports = (serverless) => {
  const local = serverless.processedInput.commands.join(' ') === 'invoke local';
  return {
    ...functionBuildOptions(local ? 'cjs' : 'esm'),
    outputFileExtension: local ? '.cjs' : '.mjs',
    // Bundle everything, AWS SDK v3 included (pinned by package-lock.json): nothing to install.
    exclude: [],
    external: [],
    outputWorkFolder: SLS_WORK_FOLDER,
    outputBuildFolder: SLS_BUILD_FOLDER,
  };
};
