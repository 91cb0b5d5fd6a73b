import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * A loopback server running in its own Node process, so its request handling does not run on the
 * measured event loop (the real service is another machine). The child script (run with tsx)
 * prints one JSON line describing itself once it listens, then answers one JSON line per command
 * line written to its stdin, and exits when its stdin ends: see {@link serveCommands}.
 */
export interface ChildServer<Info> {
  /** What the child printed once listening (its URL, ...). */
  readonly info: Info;
  readonly pid: number;
  /** Send one command line, resolve with the child's JSON answer. */
  command<T>(command: string): Promise<T>;
  close(): Promise<void>;
}

/** Start `script` (a path) with `args` and wait for its first line. */
export async function startChildServer<Info>(
  script: string,
  args: readonly string[],
): Promise<ChildServer<Info>> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    ['--import', 'tsx', script, ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: Interface = createInterface({ input: child.stdout });
  const pending: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  lines.on('line', (line) => pending.shift()?.resolve(line));
  child.once('exit', (code, signal) => {
    failure = new Error(`${script} exited (${signal ?? `code ${code}`})`);
    for (const waiter of pending.splice(0)) waiter.reject(failure);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (failure !== undefined) reject(failure);
      else pending.push({ resolve, reject });
    });
  const info = JSON.parse(await nextLine()) as Info;
  return {
    info,
    pid: child.pid!,
    command: async <T>(command: string) => {
      const answer = nextLine();
      child.stdin.write(`${command}\n`);
      return JSON.parse(await answer) as T;
    },
    close: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's side: print `info`, answer each stdin line with `handle(line)` as one JSON line, and
 * call `close` then exit when stdin ends.
 */
export function serveCommands(
  info: unknown,
  handle: (command: string) => unknown,
  close: () => Promise<void>,
): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    process.stdout.write(`${JSON.stringify(handle(line.trim()) ?? null)}\n`);
  });
  lines.on('close', () => {
    void close().then(() => process.exit(0));
  });
}
