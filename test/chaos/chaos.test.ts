import { describe, expect, it } from 'vitest';
import { formatChaosReport } from './formatChaosReport.ts';
import { runChaos } from './runChaos.ts';

// The short seeded chaos run of `npm test`; `npm run chaos` is the long one (20,000 records).
const SEED = 20_240_601;

describe('chaos: real handlers, S3 and CloudWatch Logs behind faulty loopback services, simulated queues', () => {
  it('loses nothing, quarantines every poison record, keeps FIFO order and answers validly', {
    // About 10 s on two idle cores; room for machines shared with other work.
    timeout: 120_000,
  }, async () => {
    const report = await runChaos({ seed: SEED, records: 600 });
    const table = formatChaosReport(report);

    expect(report.problems, table).toEqual([]);
    expect(report.lanes.map((lane) => `${lane.lane.source}→${lane.lane.destination}`)).toEqual([
      'sqs→s3',
      'sqs→cloudwatch-logs',
      'sqs-fifo→s3',
      'sqs-fifo→cloudwatch-logs',
      'kinesis→s3',
      'kinesis→cloudwatch-logs',
    ]);
    for (const lane of report.lanes) {
      expect(lane.acked, table).toBe(lane.lane.records);
      expect(lane.verdict.lost, table).toBe(0);
      expect(lane.verdict.quarantined, table).toBe(lane.poison);
      expect(lane.verdict.storedLogs, table).toBeGreaterThanOrEqual(
        lane.verdict.expectedLogs - lane.verdict.refusedQuarantined,
      );
      // Idempotent keys: redelivering the same records never writes a second identical object.
      if (lane.duplicateObjects !== undefined) expect(lane.duplicateObjects, table).toBe(0);
      expect(lane.poison).toBeGreaterThanOrEqual(2);
    }
    // The run was a chaotic one: faults happened and records came back.
    for (const fault of report.faults) expect(fault.total / fault.requests, table).toBeGreaterThan(0.05);
    expect(report.lanes.reduce((n, lane) => n + lane.notReady, 0)).toBeGreaterThan(0);
    expect(report.lanes.reduce((n, lane) => n + lane.deliveries - lane.lane.records, 0)).toBeGreaterThan(0);
  });

  it('catches a flusher that acks without writing and a quarantine that drops entries', async () => {
    let flushes = 0;
    const report = await runChaos({
      seed: SEED,
      records: 60,
      sources: ['sqs', 'kinesis'],
      destinations: ['s3'],
      faultRate: 0,
      notReadyShare: 0,
      decorate: {
        flusher: (flusher) => ({
          init: (context) => flusher.init(context),
          description: () => flusher.description(),
          isReady: (...args) => flusher.isReady(...args),
          flush: async (...args) => {
            if (++flushes % 3 === 0) return; // "durable" without a write
            await flusher.flush(...args);
          },
          setUrgent: (flag) => flusher.setUrgent(flag),
          stop: (options) => flusher.stop(options),
        }),
        quarantine: (quarantine) => ({ description: () => quarantine.description(), put: async () => {} }),
      },
    });

    expect(report.lanes.reduce((n, lane) => n + lane.verdict.lost, 0)).toBeGreaterThan(0);
    expect(report.problems.some((p) => p.includes('logs of acked records lost'))).toBe(true);
    expect(report.problems.some((p) => p.includes('missing from quarantine'))).toBe(true);
  });
});
