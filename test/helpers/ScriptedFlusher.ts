import { FlushError } from '../../src/errors.ts';
import type { Flusher, FlusherContext, FlushOptions, StopOptions } from '../../src/flusher/Flusher.ts';
import { FlusherLifecycle } from '../../src/flusher/FlusherLifecycle.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';

/**
 * What a scripted flush does: succeed, throw, never settle (ignoring its signal), reject with
 * `undefined` (a misbehaving flusher), or wait first.
 */
export type FlushBehaviour = 'ok' | 'throw' | 'hang' | 'reject-undefined' | { delayMs: number };

export interface FlushCall {
  project: string;
  logstore: string;
  configName: string;
  groups: readonly LogGroup[];
  options: FlushOptions | undefined;
}

/**
 * A Flusher whose readiness and flush outcomes a test scripts per logstore, and which records
 * every call and lifecycle event. `flushed` holds only the calls that resolved.
 */
export class ScriptedFlusher implements Flusher {
  static instances: ScriptedFlusher[] = [];
  readonly calls: FlushCall[] = [];
  readonly flushed: FlushCall[] = [];
  readonly events: string[] = [];
  readonly #lifecycle = new FlusherLifecycle('scripted');

  constructor(
    readonly script: {
      ready?: (logstore: string, project: string) => boolean;
      flush?: (logstore: string, project: string) => FlushBehaviour;
      init?: () => Promise<void>;
      /** `hang`: stop never settles (a flusher stuck releasing its resources). */
      stop?: 'hang';
    } = {},
  ) {
    ScriptedFlusher.instances.push(this);
  }

  async init(context: FlusherContext): Promise<void> {
    this.events.push('init');
    await this.script.init?.();
    this.#lifecycle.init(context);
  }

  description(): string {
    return 'scripted test flusher';
  }

  isReady(project: string, logstore: string): boolean {
    return this.script.ready?.(logstore, project) ?? true;
  }

  async flush(
    project: string,
    logstore: string,
    configName: string,
    groups: readonly LogGroup[],
    options?: FlushOptions,
  ) {
    const call = { project, logstore, configName, groups, options };
    this.calls.push(call);
    const behaviour = this.script.flush?.(logstore, project) ?? 'ok';
    if (behaviour === 'hang') return new Promise<void>(() => {});
    if (behaviour === 'reject-undefined') return Promise.reject(undefined);
    return this.#lifecycle.run(options?.signal, async (signal) => {
      if (behaviour === 'throw') throw new FlushError(`scripted failure for ${logstore}`, true);
      if (typeof behaviour === 'object') {
        await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
        if (signal.aborted) return;
      }
      this.flushed.push(call);
    });
  }

  setUrgent(flag: boolean): void {
    this.events.push(`setUrgent(${flag})`);
    this.#lifecycle.setUrgent(flag);
  }

  stop(options?: StopOptions): Promise<void> {
    this.events.push('stop');
    if (this.script.stop === 'hang') return new Promise<void>(() => {});
    return this.#lifecycle.stop(options);
  }
}
