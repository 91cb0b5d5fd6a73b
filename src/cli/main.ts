#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runDemo } from './demo.ts';
import { invoke } from './invoke.ts';
import { replay } from './replay.ts';

const USAGE = `usage: loggroup-flusher <command> [options]

commands:
  invoke --source sqs|kinesis --event FILE [--timeout-ms 30000]
      Run the real handler on a Lambda event file and print the batch response.
  replay --input FILE [--source kinesis|sqs] [--batch-size 100] [--timeout-ms 60000] [--retries 3]
      Push a LogGroupList protobuf, JSON-form or JSON Lines file through the handler in batches.
  demo
      Generate web access logs (with some poison records) and run both handlers on them, then
      run a batch through a pipeline of two flushers, one failing once.

The destination comes from the environment (README "Configuration"): FLUSHER, or PIPELINE_CONFIG
naming a pipeline file; with neither, local runs use FLUSHER=file with FILE_DIR=.loggroup-output.`;

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    source: { type: 'string' },
    event: { type: 'string' },
    input: { type: 'string' },
    'timeout-ms': { type: 'string' },
    'batch-size': { type: 'string' },
    retries: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: false,
});

const number = (text: string | undefined, fallback: number) => (text === undefined ? fallback : Number(text));

try {
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
  } else if (command === 'invoke') {
    if (!values.source || !values.event) throw new Error('invoke needs --source and --event');
    const response = await invoke({
      source: values.source,
      event: values.event,
      timeoutMs: number(values['timeout-ms'], 30_000),
    });
    console.log(JSON.stringify(response, null, 2));
  } else if (command === 'replay') {
    if (!values.input) throw new Error('replay needs --input');
    const source = values.source ?? 'kinesis';
    if (source !== 'sqs' && source !== 'kinesis') throw new Error('--source must be sqs or kinesis');
    const totals = await replay({
      input: values.input,
      source,
      batchSize: number(values['batch-size'], source === 'sqs' ? 10 : 100),
      timeoutMs: number(values['timeout-ms'], 60_000),
      retries: number(values.retries, 3),
    });
    if (totals.acked < totals.records) process.exitCode = 1;
  } else if (command === 'demo') {
    await runDemo();
  } else {
    throw new Error(`unknown command "${command}"`);
  }
} catch (error) {
  console.error(`loggroup-flusher: ${(error as Error).message}\n\n${USAGE}`);
  process.exitCode = 2;
}
