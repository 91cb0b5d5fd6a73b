#!/usr/bin/env node
// The CLI launcher. In a development checkout (src/ present, tsx installed by `npm ci`) it runs the
// TypeScript source, so a stale build can never shadow the code; the installed package has no src/
// (whether or not the project installing it has tsx) and runs the bundle that `npm pack` built
// into dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let fromSource = existsSync(source);
if (fromSource) {
  try {
    await import('tsx/esm');
  } catch {
    fromSource = false;
  }
}
await import(fromSource ? source.href : new URL('../dist/cli.mjs', import.meta.url).href);
