import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../helpers/events.ts';
import type { Random } from '../helpers/random.ts';

/** A handler as Lambda calls it. */
export type LambdaHandler<TEvent, TResponse> = (event: TEvent, context: Context) => Promise<TResponse>;

/** How one invocation ended, as Lambda sees it. */
export type InvokeOutcome<TResponse> =
  | { readonly kind: 'answer'; readonly response: TResponse; readonly elapsedMs: number }
  | { readonly kind: 'error'; readonly error: unknown; readonly elapsedMs: number }
  /** No answer by the function's timeout: Lambda discards any later answer and retries the batch. */
  | { readonly kind: 'timeout'; readonly elapsedMs: number; readonly answered: boolean };

export interface EnvironmentOptions {
  /** The function's timeout, drawn per invocation in this range (ms). */
  readonly timeoutMs: { readonly min: number; readonly max: number };
  /** Share of invocations after which the environment is replaced (a cold start follows). */
  readonly recycleShare: number;
}

/** How long after its timeout an invocation still unanswered counts as hung (and stops being awaited). */
const HUNG_AFTER_MS = 2_000;

/** Every invocation's timing, across environments. */
export interface InvocationStats {
  invocations: number;
  errors: number;
  /** The first few errors the handler threw (it throws only for an invalid event or a failed init). */
  readonly errorSamples: string[];
  timeouts: number;
  /** Answers that came after the function's timeout (counted in `timeouts` too). */
  lateAnswers: number;
  /** Invocations that had not answered `HUNG_AFTER_MS` after their timeout. */
  hung: number;
  maxLateMs: number;
  coldStarts: number;
}

export const emptyInvocationStats = (): InvocationStats => ({
  invocations: 0,
  errors: 0,
  errorSamples: [],
  timeouts: 0,
  lateAnswers: 0,
  hung: 0,
  maxLateMs: 0,
  coldStarts: 0,
});

/**
 * One Lambda execution environment: one handler instance (module scope: its flusher, clients and
 * breaker live as long as the environment), one invocation at a time, each with a fresh context
 * whose deadline is the drawn timeout. After a timeout the environment is thrown away, as Lambda
 * does, and the next invocation cold-starts a new handler; an answer after the timeout is ignored.
 */
export class InProcessEnvironment<TEvent, TResponse> {
  #handler: LambdaHandler<TEvent, TResponse> | undefined;
  /** Invocations that outlived their timeout; awaited (bounded) at the end of the run. */
  readonly zombies: Promise<unknown>[] = [];

  constructor(
    readonly create: () => LambdaHandler<TEvent, TResponse>,
    readonly random: Random,
    readonly options: EnvironmentOptions,
    readonly stats: InvocationStats,
  ) {}

  async invoke(event: TEvent): Promise<InvokeOutcome<TResponse>> {
    if (this.#handler === undefined) {
      this.#handler = this.create();
      this.stats.coldStarts++;
    }
    const handler = this.#handler;
    const timeoutMs = this.random.int(this.options.timeoutMs.min, this.options.timeoutMs.max);
    this.stats.invocations++;
    const started = performance.now();
    const running = Promise.resolve()
      .then(() => handler(event, lambdaContext(timeoutMs)))
      .then(
        (response) => ({ kind: 'answer' as const, response, at: performance.now() }),
        (error: unknown) => ({ kind: 'error' as const, error, at: performance.now() }),
      );
    const hung = new AbortController();
    const settled = await Promise.race([
      running,
      sleep(timeoutMs + HUNG_AFTER_MS, undefined, { signal: hung.signal }).then(
        () => undefined,
        () => undefined,
      ),
    ]);
    hung.abort();
    if (settled === undefined) {
      this.zombies.push(running);
      this.#discard();
      this.stats.timeouts++;
      this.stats.hung++;
      return { kind: 'timeout', elapsedMs: performance.now() - started, answered: false };
    }
    const elapsedMs = settled.at - started;
    if (settled.kind === 'error' && elapsedMs > timeoutMs) this.#recordError(settled.error);
    if (elapsedMs > timeoutMs) {
      this.#discard();
      this.stats.timeouts++;
      this.stats.lateAnswers++;
      this.stats.maxLateMs = Math.max(this.stats.maxLateMs, elapsedMs - timeoutMs);
      return { kind: 'timeout', elapsedMs, answered: true };
    }
    if (this.random.chance(this.options.recycleShare)) this.#discard();
    if (settled.kind === 'error') {
      this.#recordError(settled.error);
      return { kind: 'error', error: settled.error, elapsedMs };
    }
    return { kind: 'answer', response: settled.response, elapsedMs };
  }

  #recordError(error: unknown): void {
    this.stats.errors++;
    if (this.stats.errorSamples.length < 5) this.stats.errorSamples.push(String(error).slice(0, 300));
  }

  #discard(): void {
    this.#handler = undefined;
  }
}
