/** Smallest urgency margin: time to stop a flusher and return the response. */
export const MIN_URGENCY_MARGIN_MS = 200;
/** Largest default urgency margin, however long the function's timeout. */
export const MAX_DEFAULT_URGENCY_MARGIN_MS = 5_000;
/** Default margin as a share of the time the invocation started with (≈ the function timeout). */
export const DEFAULT_URGENCY_MARGIN_SHARE = 0.1;

/**
 * The default margin before the deadline at which the runtime turns urgent: 10 % of the
 * invocation's time, at least 200 ms and at most 5 s (3 s timeout → 300 ms, 15 min → 5 s).
 */
export function defaultUrgencyMarginMs(remainingMs: number): number {
  return Math.min(
    MAX_DEFAULT_URGENCY_MARGIN_MS,
    Math.max(MIN_URGENCY_MARGIN_MS, Math.round(remainingMs * DEFAULT_URGENCY_MARGIN_SHARE)),
  );
}

/**
 * One invocation's deadline: `signal` aborts when the time left drops under the margin. After
 * that, `leftMs()` is what remains of the margin for stopping the flusher and answering.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #endsAt: number;

  constructor(remainingMs: number, marginMs: number) {
    this.#endsAt = Date.now() + remainingMs;
    const urgentIn = remainingMs - marginMs;
    if (urgentIn <= 0) this.#controller.abort(new Error('invocation started inside the urgency margin'));
    else
      this.#timer = setTimeout(() => this.#controller.abort(new Error('urgency margin reached')), urgentIn);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Milliseconds until the invocation's hard deadline. */
  leftMs(): number {
    return Math.max(0, this.#endsAt - Date.now());
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
