// The short seeded run of the shutdown trials (the long run: `npx tsx test/trials/cli.ts`).
// SIGTERM reaches the deployed S3 function between invocations, mid-invocation and mid-multipart
// upload; each trial checks the exit budget, that nothing acked is lost, that redelivery completes
// the work, and that no multipart upload is left open.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatTrialTable } from './formatTrialTable.ts';
import { runTrials, type TrialRunReport } from './runTrials.ts';
import { Invariant } from './violations.ts';

/** Chosen so the short run covers every kind of SIGTERM point and every source (asserted below). */
const SEED = 20_260_124;
const TRIALS = 10;

describe('SIGTERM at random points (seeded short run)', () => {
  let report: TrialRunReport;
  const broken = (invariant: Invariant) =>
    report.shutdown.flatMap((result) =>
      result.violations
        .filter((violation) => violation.invariant === invariant)
        .map((violation) => `shutdown/${result.plan.trial}: ${violation.detail}`),
    );

  beforeAll(async () => {
    report = await runTrials({ seed: SEED, shutdownTrials: TRIALS, deadlineTrials: 0 });
    console.log(formatTrialTable(report));
  }, 120_000);

  it('covers SIGTERM between invocations, mid-invocation and mid-multipart upload, for every source', () => {
    expect(report.shutdown).toHaveLength(TRIALS);
    const between = report.shutdown.filter((result) => !result.midInvocation);
    const midFlush = report.shutdown.filter((result) => result.midInvocation && !result.midMultipart);
    const midMultipart = report.shutdown.filter((result) => result.midMultipart);
    expect([between.length, midFlush.length, midMultipart.length]).not.toContain(0);
    expect(new Set(report.shutdown.map((result) => result.plan.source))).toEqual(
      new Set(['sqs', 'sqs-fifo', 'kinesis']),
    );
  });

  it('never loses a record the function acked', () => {
    expect(broken(Invariant.noAckedLoss)).toEqual([]);
  });

  it('redelivering what was not acked, through a fresh environment, completes the work', () => {
    expect(broken(Invariant.redeliveryCompletes)).toEqual([]);
  });

  it('leaves no multipart upload open', () => {
    expect(broken(Invariant.noOpenUpload)).toEqual([]);
  });

  it('answers with valid partial batch responses', () => {
    expect(broken(Invariant.exactFailures)).toEqual([]);
  });

  it('exits by itself, code 0, within the runtime budget of 300 ms', () => {
    expect(broken(Invariant.exitBudget)).toEqual([]);
  });
});
