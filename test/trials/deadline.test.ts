// The short seeded run of the deadline trials (the long run: `npx tsx test/trials/cli.ts`). The
// destination (S3 or CloudWatch Logs) stalls from a random point; the deployed function, with a
// 1–3 s timeout, must answer before its deadline with exactly the records that are not durable.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatTrialTable } from './formatTrialTable.ts';
import { runTrials, type TrialRunReport } from './runTrials.ts';
import { Invariant } from './violations.ts';

/** Chosen so the short run covers both destinations, every source and a stall in most trials. */
const SEED = 20_260_136;
const TRIALS = 6;

describe('a stalled destination at random points (seeded short run)', () => {
  let report: TrialRunReport;
  const broken = (invariant: Invariant) =>
    report.deadline.flatMap((result) =>
      result.violations
        .filter((violation) => violation.invariant === invariant)
        .map((violation) => `deadline/${result.plan.trial}: ${violation.detail}`),
    );

  beforeAll(async () => {
    report = await runTrials({ seed: SEED, shutdownTrials: 0, deadlineTrials: TRIALS });
    console.log(formatTrialTable(report));
  }, 120_000);

  it('covers both destinations, every source, and answers that reach the urgency margin', () => {
    expect(report.deadline).toHaveLength(TRIALS);
    expect(new Set(report.deadline.map((result) => result.plan.destination))).toEqual(
      new Set(['s3', 'cloudwatch-logs']),
    );
    expect(new Set(report.deadline.map((result) => result.plan.source))).toEqual(
      new Set(['sqs', 'sqs-fifo', 'kinesis']),
    );
    // Most trials stall for real: the answer comes at the urgency margin, with records reported.
    expect(report.deadline.filter((result) => result.reported > 0).length).toBeGreaterThanOrEqual(TRIALS / 2);
  });

  it('always answers before the deadline', () => {
    expect(broken(Invariant.answerInTime)).toEqual([]);
    expect(report.deadline.every((result) => result.answeredInTime)).toBe(true);
  });

  it('reports exactly the records that are not durable (and, in order, what follows them)', () => {
    expect(broken(Invariant.exactFailures)).toEqual([]);
    expect(report.deadline.filter((result) => result.strict).length).toBeGreaterThanOrEqual(TRIALS / 2);
  });

  it('never acks a record that is not durable', () => {
    expect(broken(Invariant.noAckedLoss)).toEqual([]);
  });

  it('delivers the rest once the stall clears, through the same warm environment', () => {
    expect(broken(Invariant.redeliveryCompletes)).toEqual([]);
  });

  it('shuts down within the runtime budget afterwards', () => {
    expect(broken(Invariant.exitBudget)).toEqual([]);
  });
});
