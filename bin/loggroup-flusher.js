#!/usr/bin/env node
// The CLI launcher: the bundled CLI when built (`npm run build`), otherwise the TypeScript source
// through tsx (a development checkout after `npm ci`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundled = new URL('../dist/cli.mjs', import.meta.url);
if (existsSync(fileURLToPath(bundled))) {
  await import(bundled.href);
} else {
  await import('tsx/esm');
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
