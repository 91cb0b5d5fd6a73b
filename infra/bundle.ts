// Bundles the Lambda entry points (functions/*.ts) and the CLI with esbuild: ESM, Node 22,
// dependencies (AWS SDK v3 included) bundled, source maps. `npm run build` writes dist/; tests
// bundle into a temp directory to run "the bundled function" exactly as deployed. The options are
// shared with serverless-esbuild (infra/esbuildOptions.cjs), so this is the deployed code.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildShutdownExtensionLayer, FUNCTION_ENTRIES, functionBuildOptions } from './esbuildOptions.cjs';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface BundleOptions {
  readonly outdir: string;
  readonly minify?: boolean;
}

/** Bundle functions/sqs.ts, functions/kinesis.ts and the CLI into `outdir` as .mjs files. */
export async function bundle(options: BundleOptions): Promise<void> {
  await build({
    ...functionBuildOptions('esm', options.minify ?? true),
    absWorkingDir: root,
    entryPoints: { ...FUNCTION_ENTRIES, cli: 'src/cli/main.ts' },
    outdir: options.outdir,
    outExtension: { '.js': '.mjs' },
  });
}

/**
 * Build the shutdown extension layer's content into `outdir` (`extensions/loggroup-flusher-shutdown`,
 * executable: Lambda runs it as /opt/extensions/loggroup-flusher-shutdown) and return its path.
 *
 * @example
 * ```ts
 * const executable = await bundleShutdownExtension({ outdir: '/tmp/layer' });
 * ```
 */
export function bundleShutdownExtension(options: { readonly outdir: string }): Promise<string> {
  return buildShutdownExtensionLayer(options.outdir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] ?? 'dist';
  await bundle({ outdir });
  await bundleShutdownExtension({ outdir: join(outdir, 'shutdown-extension-layer') });
}
