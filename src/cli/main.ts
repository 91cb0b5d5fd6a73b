#!/usr/bin/env node
import { runDemo } from './demo.ts';

const [command = 'help', ...args] = process.argv.slice(2);
switch (command) {
  case 'demo':
    await runDemo(args);
    break;
  default:
    console.log('usage: loggroup-flusher demo');
    process.exitCode = command === 'help' ? 0 : 2;
}
