#!/usr/bin/env node
// The CLI launcher. In a development checkout (tsx installed by `npm ci`) it runs the TypeScript
// source, so a stale build can never shadow the code; an installed package, which has no tsx,
// runs the bundle that `npm run build` wrote to dist/.
let tsx = true;
try {
  await import('tsx/esm');
} catch {
  tsx = false;
}
await import(new URL(tsx ? '../src/cli/main.ts' : '../dist/cli.mjs', import.meta.url).href);
