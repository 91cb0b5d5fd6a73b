import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../fixtures/s3/S3TestProxy.ts';
import type { ResponseSource } from '../helpers/expectedFailures.ts';
import { type Batch, kinesisBatch, type RecordSpec, sqsBatch } from './pipeline/batches.ts';
import {
  type Copies,
  type Faulty,
  type PipelineDeployment,
  type PipelineFaultStep,
  PipelineWorld,
  SEARCHED_LOGSTORES,
} from './pipeline/PipelineWorld.ts';
import { type Attempt, deliverUntilAcked } from './pipeline/redelivery.ts';

// Issue 13: one pipeline (PIPELINE_CONFIG) of flusher_s3 "archive" (every logstore) and
// flusher_cloudwatch_logs "search" (web, api, jobs; not audit), against s3rver and the CloudWatch
// Logs protocol endpoint. One destination fails every write to some logstores for a few
// invocations; each response is checked against the source's guarantees, then redelivered as the
// event source mapping would, to the same handler (one warm environment).

const POISON: RecordSpec = { logstores: [], poison: true };

interface Scenario {
  readonly kind: ResponseSource;
  readonly specs: readonly RecordSpec[];
  /** Faults that only shrink, so the expected responses follow from the guarantees alone. */
  readonly steps: readonly PipelineFaultStep[];
}

// Twelve records in batches of six: redelivered records come back with new ones, so a
// destination's flush of them differs from the first one (only the pipeline's memory, not the
// flusher's own, keeps the healthy destination from storing them again).
const SCENARIOS: readonly Scenario[] = [
  {
    kind: 'sqs',
    specs: [
      { logstores: ['web'] },
      { logstores: ['api'] },
      { logstores: ['web', 'jobs'] },
      POISON,
      { logstores: ['api', 'audit'] },
      { logstores: ['web'] },
      { logstores: ['jobs'] },
      { logstores: ['audit'] },
      { logstores: ['api', 'web'] },
      { logstores: ['web'] },
      { logstores: ['jobs', 'api', 'web'] },
      { logstores: ['web'] },
    ],
    steps: [
      // audit goes to S3 only: it fails a record only when S3 is the faulty destination.
      {
        logstores: ['api', 'jobs', 'audit'],
        quarantine: true,
        s3: FAULTS.internalError,
        cloudwatch: 'unavailable',
      },
      { logstores: ['jobs'], s3: FAULTS.dropResponse, cloudwatch: 'drop-response' },
    ],
  },
  {
    kind: 'sqs-fifo',
    specs: [
      { logstores: ['api'], group: 'g1' },
      { logstores: ['web'], group: 'g2' },
      { logstores: ['audit'], group: 'g3' },
      { logstores: ['web', 'api'], group: 'g1' },
      { logstores: ['web', 'jobs'], group: 'g2' },
      // Quarantined before anything is flushed, then reported behind the failure before it.
      { ...POISON, group: 'g2' },
      { logstores: ['audit'], group: 'g1' },
      { logstores: ['jobs'], group: 'g3' },
      { logstores: ['web'], group: 'g2' },
      { logstores: ['web'], group: 'g1' },
      { logstores: ['api', 'web'], group: 'g3' },
      { logstores: ['web'], group: 'g2' },
    ],
    steps: [
      { logstores: ['api', 'jobs', 'audit'], quarantine: true, s3: FAULTS.reset, cloudwatch: 'throttle' },
      { logstores: ['jobs'], s3: FAULTS.internalError, cloudwatch: 'drop-response' },
    ],
  },
  {
    kind: 'kinesis',
    specs: [
      { logstores: ['web'] },
      POISON,
      { logstores: ['web', 'web'] },
      { logstores: ['api'] },
      { logstores: ['api'] },
      { logstores: ['audit'] },
      { logstores: ['jobs'] },
      { logstores: ['jobs'] },
      { logstores: ['jobs'] },
      { logstores: ['jobs'] },
      { logstores: ['audit'] },
      { logstores: ['web'] },
    ],
    steps: [
      { logstores: ['api', 'jobs'], quarantine: true, s3: FAULTS.dropResponse, cloudwatch: 'drop-response' },
      { logstores: ['jobs'], s3: FAULTS.reset, cloudwatch: 'throttle' },
    ],
  },
];
const BATCH_SIZE = 6;

describe('pipeline of S3 and CloudWatch Logs from PIPELINE_CONFIG, faults in one destination', () => {
  let world: PipelineWorld;
  beforeAll(async () => {
    world = await PipelineWorld.start();
  });
  afterAll(async () => {
    await world?.close();
  });

  describe.each<Faulty>(['cloudwatch', 's3'])('%s faulty, the other healthy', (faulty) => {
    it.each(SCENARIOS.map((scenario) => [scenario.kind, scenario] as const))(
      '%s: exact responses, every log in both, the healthy one written once, poison quarantined once',
      async (kind, scenario) => {
        const deployment = await world.deploy(`${kind}-${faulty}`, faulty);
        try {
          const { batch, attempts, unacked } = await deliver(deployment, scenario, BATCH_SIZE);
          expect(attempts.map((a) => a.reported)).toEqual(attempts.map((a) => a.expected));
          // Every fault step left something to redeliver, and in the end everything was acked.
          expect(attempts.slice(0, scenario.steps.length).every((a) => a.reported.length > 0)).toBe(true);
          expect(unacked).toBe(0);
          await expectStoredOnceInHealthy(deployment, batch);
          expect(await deployment.quarantined()).toEqual(
            batch.poisonIds.map((recordId) =>
              expect.objectContaining({
                recordId,
                reason: 'unsupported-format',
                source: kind === 'kinesis' ? 'kinesis' : 'sqs',
              }),
            ),
          );
        } finally {
          await deployment.stop();
        }
      },
    );

    it('sqs: a part the faulty flusher stored before is not sent again when another part fails next', async () => {
      const deployment = await world.deploy(`memory-${faulty}`, faulty);
      try {
        const scenario: Scenario = {
          kind: 'sqs',
          specs: [
            { logstores: ['api', 'web'] },
            { logstores: ['web', 'jobs'] },
            { logstores: ['api'] },
            { logstores: ['jobs', 'api', 'web'] },
            { logstores: ['web'] },
          ],
          // web is stored everywhere in the first invocation, and refused in the second (where the
          // flush of web would hold fewer records, so the flusher's own memory would not skip it).
          steps: [
            { logstores: ['api', 'jobs'], s3: FAULTS.internalError, cloudwatch: 'unavailable' },
            { logstores: ['web'], s3: FAULTS.internalError, cloudwatch: 'unavailable' },
          ],
        };
        const { batch, attempts, unacked } = await deliver(deployment, scenario, scenario.specs.length);
        const ids = batch.items.map((item) => item.id);
        // The faults grow back here, so the responses are spelled out: with the memory, web is owed
        // nowhere in the second invocation, and its failure costs nothing.
        expect(attempts.map((a) => a.reported)).toEqual([ids.slice(0, 4), []]);
        expect(unacked).toBe(0);
        await expectStoredOnceInHealthy(deployment, batch);
        // Nothing was duplicated (no write was stored and then answered as failed).
        expect(await deployment.s3Copies()).toEqual(sentTo('s3', batch));
        expect(deployment.cloudwatchCopies()).toEqual(sentTo('cloudwatch', batch));
        if (faulty === 's3') {
          expect(deployment.s3DataPuts('web')).toBe(await deployment.s3DataObjects('web'));
        } else {
          const webLogs = batch.logs.filter((log) => log.logstore === 'web').length;
          expect(deployment.cloudwatchEventsSent('web')).toBe(webLogs);
        }
      } finally {
        await deployment.stop();
      }
    });
  });
});

async function deliver(
  deployment: PipelineDeployment,
  scenario: Scenario,
  batchSize: number,
): Promise<{ batch: Batch<unknown>; attempts: Attempt[]; unacked: number }> {
  const label = deployment.project;
  const common = {
    kind: scenario.kind,
    steps: scenario.steps,
    applyFaults: (step: PipelineFaultStep | undefined) => deployment.applyFaults(step),
    fails: (step: PipelineFaultStep | undefined, spec: RecordSpec) => deployment.fails(step, spec),
    batchSize,
    maxAttempts: scenario.specs.length,
  };
  if (scenario.kind === 'kinesis') {
    const batch = kinesisBatch(label, scenario.specs);
    const invoke = (records: KinesisStreamRecord[]) => deployment.invokeKinesis(records);
    return { batch, ...(await deliverUntilAcked({ ...common, items: batch.items, invoke })) };
  }
  const batch = sqsBatch(label, scenario.specs);
  const invoke = (records: SQSRecord[]) => deployment.invokeSqs(records);
  return { batch, ...(await deliverUntilAcked({ ...common, items: batch.items, invoke })) };
}

/** Every log in both destinations; exactly once in the healthy one, which got no write twice. */
async function expectStoredOnceInHealthy(deployment: PipelineDeployment, batch: Batch<unknown>) {
  const s3 = await deployment.s3Copies();
  const cloudwatch = deployment.cloudwatchCopies();
  const toS3 = sentTo('s3', batch);
  const toCloudwatch = sentTo('cloudwatch', batch);
  expect(missingFrom(toS3, s3)).toEqual([]);
  expect(missingFrom(toCloudwatch, cloudwatch)).toEqual([]);
  if (deployment.faulty === 'cloudwatch') {
    expect(s3).toEqual(toS3);
    expect([...cloudwatch.keys()].sort()).toEqual([...toCloudwatch.keys()].sort());
    // Not even a rewrite S3 would have answered with 412 PreconditionFailed.
    expect(deployment.s3DataPuts()).toBe(await deployment.s3DataObjects());
  } else {
    expect(cloudwatch).toEqual(toCloudwatch);
    expect([...s3.keys()].sort()).toEqual([...toS3.keys()].sort());
    // Not even a batch the CloudWatch flusher's own memory would have skipped.
    expect(deployment.cloudwatchEventsSent()).toBe(toCloudwatch.size);
  }
}

/** The logs each destination must hold, once each. */
function sentTo(destination: Faulty, batch: Batch<unknown>): Copies {
  const searched: readonly string[] = SEARCHED_LOGSTORES;
  const logs = batch.logs.filter((log) => destination === 's3' || searched.includes(log.logstore));
  return new Map(logs.map((log) => [`${log.logstore}/${log.uid}`, 1]));
}

function missingFrom(sent: Copies, stored: Copies): string[] {
  return [...sent.keys()].filter((key) => !stored.has(key));
}
