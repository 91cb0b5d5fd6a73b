#!/usr/bin/env node
// The `loggroup-flusher` command. Every failure ends as one line on stderr: exit 2 for a wrong
// command line, input file or configuration, exit 1 for a run that failed.
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { describeError } from '../shared/describeError.ts';
import { type CommandLine, parseCommandLine, UsageError } from './commandLine.ts';
import { InputFileError } from './inputFiles.ts';

const NAME = 'loggroup-flusher';

/** Run one command line; resolves to the exit status. */
async function run(line: CommandLine): Promise<number> {
  switch (line.command) {
    case 'help':
      console.log(line.text);
      return 0;
    case 'invoke': {
      const { invoke } = await import('./invoke.ts');
      console.log(JSON.stringify(await invoke(line), null, 2));
      return 0;
    }
    case 'replay': {
      const { replay } = await import('./replay.ts');
      const totals = await replay(line);
      return totals.acked < totals.records ? 1 : 0;
    }
    case 'sample-event': {
      const { sampleEventText, sampleTimesAt } = await import('./sampleEvent.ts');
      const text = sampleEventText(line.source, sampleTimesAt(Date.now()));
      if (line.out === undefined) process.stdout.write(text);
      else await writeOutput(line.out, text);
      return 0;
    }
    case 'demo': {
      const { runDemo } = await import('./demo.ts');
      await runDemo();
      return process.exitCode === undefined ? 0 : Number(process.exitCode);
    }
  }
}

async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(
      path,
      code === 'ENOENT' ? 'cannot write: no such directory' : `cannot write: ${describeError(error)}`,
    );
  }
}

/** The first ConfigError in an error's cause chain (a flusher's init may wrap one). */
function configError(error: unknown): ConfigError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof ConfigError) return e;
  }
  return undefined;
}

/** One line for stderr, and the exit status, for anything a command threw. */
function failure(error: unknown): { line: string; status: number } {
  if (error instanceof UsageError) return { line: `${error.message}; see --help`, status: 2 };
  if (error instanceof InputFileError) return { line: error.message, status: 2 };
  const config = configError(error);
  if (config) return { line: config.message, status: 2 };
  return { line: describeError(error), status: 1 };
}

// `loggroup-flusher sample-event | head -1`: a closed pipe ends the output, not in a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  process.exitCode = await run(parseCommandLine(process.argv.slice(2)));
} catch (error) {
  const { line, status } = failure(error);
  console.error(`${NAME}: ${line.replace(/\s*\n\s*/g, ' ')}`);
  process.exitCode = status;
}
