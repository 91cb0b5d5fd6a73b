// Bundles the Lambda entry points (functions/*.ts) and the CLI with esbuild: ESM, Node 22,
// dependencies (AWS SDK v3 included) bundled, source maps. `npm run build` writes dist/; tests
// bundle into a temp directory to run "the bundled function" exactly as deployed.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Some bundled dependencies still call `require`; ESM output needs it defined. */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface BundleOptions {
  readonly outdir: string;
  readonly minify?: boolean;
}

/** Bundle functions/sqs.ts, functions/kinesis.ts and the CLI into `outdir` as .mjs files. */
export async function bundle(options: BundleOptions): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: {
      'functions/sqs': 'functions/sqs.ts',
      'functions/kinesis': 'functions/kinesis.ts',
      cli: 'src/cli/main.ts',
    },
    outdir: options.outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: options.minify ?? true,
    sourcemap: true,
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle({ outdir: process.argv[2] ?? 'dist' });
}
