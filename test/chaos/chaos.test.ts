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
      'sqs→both',
      'sqs-fifo→s3',
      'sqs-fifo→cloudwatch-logs',
      'sqs-fifo→both',
      'kinesis→s3',
      'kinesis→cloudwatch-logs',
      'kinesis→both',
    ]);
    for (const lane of report.lanes) {
      expect(lane.acked, table).toBe(lane.lane.records);
      expect(lane.verdict.quarantined, table).toBe(lane.poison);
      expect(lane.poison).toBeGreaterThanOrEqual(2);
      // A `both` lane is checked at each service: a log only one of them holds counts as lost.
      expect(lane.services.map((service) => service.service)).toEqual(
        lane.lane.destination === 'both' ? ['s3', 'cloudwatch-logs'] : [lane.lane.destination],
      );
      for (const service of lane.services) {
        expect(service.verdict.lost, table).toBe(0);
        expect(service.verdict.storedLogs, table).toBeGreaterThanOrEqual(
          lane.verdict.expectedLogs - service.verdict.refusedQuarantined,
        );
        // Idempotent keys: redelivering the same records never writes a second identical object.
        if (service.duplicateObjects !== undefined) expect(service.duplicateObjects, table).toBe(0);
      }
    }
    // The run was a chaotic one: faults happened and records came back.
    for (const fault of report.faults) expect(fault.total / fault.requests, table).toBeGreaterThan(0.05);
    const services = report.lanes.flatMap((lane) => lane.services);
    expect(services.reduce((n, service) => n + service.notReady, 0)).toBeGreaterThan(0);
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

    const services = report.lanes.flatMap((lane) => lane.services);
    expect(services.reduce((n, service) => n + service.verdict.lost, 0)).toBeGreaterThan(0);
    expect(report.problems.some((p) => p.includes('logs of acked records lost'))).toBe(true);
    expect(report.problems.some((p) => p.includes('missing from quarantine'))).toBe(true);
  });

  it('catches a pipeline flusher that acks without writing while the other one writes everything', async () => {
    const report = await runChaos({
      seed: SEED,
      records: 40,
      sources: ['sqs'],
      destinations: ['both'],
      faultRate: 0,
      notReadyShare: 0,
      decorate: {
        flusher: (flusher) =>
          flusher.description().startsWith('cloudwatch-logs')
            ? {
                init: (context) => flusher.init(context),
                description: () => flusher.description(),
                isReady: (...args) => flusher.isReady(...args),
                flush: async () => {}, // "durable" without a write
                setUrgent: (flag) => flusher.setUrgent(flag),
                stop: (options) => flusher.stop(options),
              }
            : flusher,
      },
    });

    const [s3, cloudWatch] = report.lanes[0]!.services;
    expect(s3!.verdict.lost).toBe(0);
    expect(cloudWatch!.verdict.lost).toBe(report.lanes[0]!.verdict.expectedLogs);
    expect(report.problems.some((p) => p.startsWith('sqs-both (cloudwatch-logs, flusher search): '))).toBe(
      true,
    );
  });
});
