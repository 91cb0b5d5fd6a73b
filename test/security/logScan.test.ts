import { beforeAll, describe, expect, it } from 'vitest';
import { PREFIX_CHARS } from '../../src/input/describeBytes.ts';
import { type ChaosReport, runChaos } from '../chaos/runChaos.ts';
import { captureOutput, jsonLines } from '../helpers/captureOutput.ts';

// Fake credentials and secrets, planted where a careless log line would pick them up: the AWS
// credentials in the environment (the CloudWatch Logs client signs every request with them), and
// log contents and poison records (20 % of the logs carry `password=<secret>`).
const FAKE_ACCESS_KEY_ID = 'AKIAQCHAOSPLANTED742';
const FAKE_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTED742';
const FAKE_SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEPlantedSessionToken742';
const PASSWORD = 'hunter2-planted-742';
const PLANTED = [FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, FAKE_SESSION_TOKEN, PASSWORD, 'hunter2'];
const IN_CONTENTS = [PASSWORD, FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY];

/** Everything the function prints at its most verbose: DEBUG logs and EMF metrics. */
const VERBOSE = { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' } as const;

function longestCommonSubstring(a: string, b: string): number {
  let best = 0;
  let previous = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const current = new Uint16Array(b.length + 1);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        current[j] = previous[j - 1]! + 1;
        if (current[j]! > best) best = current[j]!;
      }
    }
    previous = current;
  }
  return best;
}

describe('security: nothing the function logs carries log contents, secrets or credentials', () => {
  let output = '';
  const reports: ChaosReport[] = [];
  beforeAll(async () => {
    const runs = [
      // CloudWatch Logs: the fake key pair and session token sign every request.
      () =>
        runChaos({
          seed: 742,
          records: 160,
          destinations: ['cloudwatch-logs'],
          secrets: IN_CONTENTS,
          env: {
            ...VERBOSE,
            AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY: FAKE_SECRET_ACCESS_KEY,
            AWS_SESSION_TOKEN: FAKE_SESSION_TOKEN,
          },
        }),
      // S3: s3rver checks signatures with its own key pair, so only the session token is planted.
      () =>
        runChaos({
          seed: 743,
          records: 160,
          destinations: ['s3'],
          secrets: IN_CONTENTS,
          env: { ...VERBOSE, AWS_SESSION_TOKEN: FAKE_SESSION_TOKEN },
        }),
    ];
    for (const run of runs) {
      const captured = await captureOutput(run);
      output += captured.output;
      reports.push(captured.result);
    }
  }, 90_000);

  it('the runs went through every path that logs: init, batches, quarantine, retries, metrics', () => {
    for (const report of reports) expect(report.problems).toEqual([]);
    const messages = new Set(
      jsonLines(output).map((line) => String(line.message ?? ('_aws' in line ? 'EMF' : ''))),
    );
    for (const message of [
      'flusher initialised',
      'batch processed',
      'record quarantined',
      'cloudwatch-logs: retrying',
      's3: object durable',
      'EMF',
    ]) {
      expect(messages, `no "${message}" line among ${[...messages].join(', ')}`).toContain(message);
    }
    // The planted strings did reach the destinations: the scan below looks where they could leak from.
    const quarantined = reports.flatMap((r) => r.lanes.flatMap((lane) => lane.quarantine));
    expect(quarantined.some((entry) => entry.payload.toString('latin1').includes(PASSWORD))).toBe(true);
  });

  it('no planted secret, credential or log content appears in the output', () => {
    expect(output.length).toBeGreaterThan(10_000);
    for (const planted of PLANTED) {
      const at = output.indexOf(planted);
      expect(at, `"${planted}" leaked: …${output.slice(Math.max(0, at - 200), at + 100)}…`).toBe(-1);
    }
  });

  it(`poison details quote at most a ${PREFIX_CHARS}-character prefix of the payload`, () => {
    const entries = reports.flatMap((r) => r.lanes.flatMap((lane) => lane.quarantine));
    const poison = entries.filter((entry) => entry.source === 'sqs' || entry.source === 'kinesis');
    expect(poison.length).toBeGreaterThanOrEqual(10);
    for (const entry of poison) {
      const payload = entry.payload.toString('latin1');
      expect(longestCommonSubstring(entry.detail, payload), entry.detail).toBeLessThanOrEqual(PREFIX_CHARS);
      expect(
        longestCommonSubstring(entry.detail, entry.payload.toString('hex')),
        entry.detail,
      ).toBeLessThanOrEqual(PREFIX_CHARS);
      expect(entry.detail.length, entry.detail).toBeLessThanOrEqual(400);
    }
    // What the logs say about quarantined records is exactly that bounded detail.
    const logged = jsonLines(output).filter((line) => line.message === 'record quarantined');
    expect(logged.length).toBeGreaterThanOrEqual(poison.length);
    const details = new Set(poison.map((entry) => entry.detail));
    for (const line of logged) expect(details).toContain(line.detail);
  });

  // Found by this scan: Powertools' POWERTOOLS_LOGGER_LOG_EVENT=true used to put every event, log
  // contents included, in the function's logs. The handler now turns event logging off for good.
  it('POWERTOOLS_LOGGER_LOG_EVENT=true does not put events in the logs', async () => {
    const { output: verbose } = await captureOutput(() =>
      runChaos({
        seed: 744,
        records: 30,
        sources: ['sqs'],
        destinations: ['s3'],
        faultRate: 0,
        secrets: [PASSWORD],
        env: { ...VERBOSE, POWERTOOLS_LOGGER_LOG_EVENT: 'true' },
      }),
    );
    const lines = jsonLines(verbose);
    expect(lines.filter((line) => line.message === 'batch processed').length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.message === 'Lambda invocation event')).toEqual([]);
    expect(verbose).not.toContain(PASSWORD);
  });
});
