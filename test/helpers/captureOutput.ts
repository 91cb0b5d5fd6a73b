import { format } from 'node:util';
import { vi } from 'vitest';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Run `action` and return everything the process printed meanwhile: whatever reached
 * `process.stdout.write` / `process.stderr.write` (Powertools Logger and Metrics write there
 * through their own `Console`) and every `console.*` call. Nothing reaches the terminal.
 */
export async function captureOutput<T>(action: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const text = (chunk: unknown) =>
    typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(text(chunk));
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(text(chunk));
      return true;
    }),
    ...CONSOLE_METHODS.map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        chunks.push(`${format(...args)}\n`);
      }),
    ),
  ];
  try {
    const result = await action();
    return { result, output: chunks.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The JSON lines of `output` (Powertools log entries and EMF blobs); other lines are skipped. */
export function jsonLines(output: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not JSON after all: the scan of the raw text still covers it
    }
  }
  return lines;
}
