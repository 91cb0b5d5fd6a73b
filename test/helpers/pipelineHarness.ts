import type { FlusherMatch } from '../../src/pipeline/PipelineFlusher.ts';
import type { HandlerOptions } from '../../src/runtime/HandlerOptions.ts';
import { quietOptions } from './handlerHarness.ts';
import { type FlushCall, ScriptedFlusher } from './ScriptedFlusher.ts';

type Script = ConstructorParameters<typeof ScriptedFlusher>[0] & { match?: FlusherMatch };

/** A pipeline of scripted flushers by name; every instance each name's factory made, in order. */
export function pipelineHarness(scripts: Record<string, Script>, overrides: Partial<HandlerOptions> = {}) {
  const instances = new Map<string, ScriptedFlusher[]>();
  const { options, quarantine } = quietOptions({
    flushers: Object.entries(scripts).map(([name, { match, ...script }]) => ({
      name,
      match,
      flusher: () => {
        const flusher = new ScriptedFlusher(script);
        instances.set(name, [...(instances.get(name) ?? []), flusher]);
        return flusher;
      },
    })),
    ...overrides,
  });
  const of = (name: string) => instances.get(name) ?? [];
  /** Every flush call of `name`'s flushers that resolved, across instances. */
  const flushed = (name: string): FlushCall[] => of(name).flatMap((flusher) => flusher.flushed);
  /** The record ids `name` made durable, one entry per LogGroup written. */
  const storedIds = (name: string): string[] =>
    flushed(name).flatMap((call) => call.options?.recordIds ?? []);
  /** Every flush call `name` was asked for, resolved or not. */
  const calledIds = (name: string): string[] =>
    of(name).flatMap((flusher) => flusher.calls.flatMap((call) => call.options?.recordIds ?? []));
  return { options, quarantine, of, flushed, storedIds, calledIds };
}
