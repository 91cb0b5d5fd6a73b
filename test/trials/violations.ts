/** The invariants a trial checks; a broken one is reported as a {@link Violation}. */
export const Invariant = {
  /** The runtime exits by itself, code 0, within its shutdown budget; the extension exits cleanly. */
  exitBudget: 'exit-budget',
  /** Every acked record has all of its logs at the destination. */
  noAckedLoss: 'no-acked-loss',
  /** Redelivering what was not acked ends with every log at the destination. */
  redeliveryCompletes: 'redelivery-completes',
  /** ListMultipartUploads is empty at the end. */
  noOpenUpload: 'no-open-upload',
  /** The answer comes before the deadline. */
  answerInTime: 'answer-in-time',
  /** The partial batch response is valid and names exactly the records it must. */
  exactFailures: 'exact-failures',
} as const;
export type Invariant = (typeof Invariant)[keyof typeof Invariant];

export interface Violation {
  readonly invariant: Invariant;
  readonly detail: string;
}

/** Collects a trial's violations. */
export class Violations {
  readonly list: Violation[] = [];

  add(invariant: Invariant, detail: string): void {
    this.list.push({ invariant, detail });
  }

  of(invariant: Invariant): Violation[] {
    return this.list.filter((violation) => violation.invariant === invariant);
  }
}
