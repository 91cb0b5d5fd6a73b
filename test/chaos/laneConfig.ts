import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Env } from '../../src/config/env.ts';
import { optionForVariable } from '../../src/config/flusherTypes.ts';
import { TEST_BUCKET } from '../fixtures/s3/s3TestEnvironment.ts';
import {
  ChaosDestination,
  type ChaosLane,
  ChaosService,
  ChaosSource,
  PIPELINE_FLUSHER_NAMES,
} from './lanes.ts';
import { CHAOS_MAX_DECOMPRESSED_BYTES } from './poisonRecords.ts';

/** The S3 circuit breaker's cooldown, 30 s by default, compressed as time is in a chaos run (about 50×). */
const BREAKER_COOLDOWN_MS = '600';
/** Time limit of one destination request: longer than any function timeout, so stalls run into the deadline. */
const REQUEST_TIMEOUT_MS = '5000';

/** The `Type` a pipeline file gives each service's flusher (LoongCollector's names). */
const PIPELINE_TYPES: Readonly<Record<ChaosService, string>> = {
  s3: 'flusher_s3',
  'cloudwatch-logs': 'flusher_cloudwatch_logs',
};

/** Where a lane's S3 flusher writes (and quarantines, under `_quarantine/`). */
export const s3Prefix = (lane: ChaosLane) => `chaos/${lane.name}/`;
/** The lane's PROJECT: CloudWatch log groups are `/loggroup-flusher/<project>/<logstore>`. */
export const project = (lane: ChaosLane) => `chaos-${lane.name}`;

/**
 * The function's environment variables for one lane (README "Configuration"): `FLUSHER` and the
 * service's variables, or for a `both` lane `PIPELINE_CONFIG` naming a pipeline file written into
 * `directory`, whose flushers carry the same settings as options.
 */
export async function laneEnv(
  lane: ChaosLane,
  s3Endpoint: string | undefined,
  directory: string,
): Promise<Env> {
  const common = {
    ...process.env,
    PROJECT: project(lane),
    LOGSTORE: 'default',
    MAX_DECOMPRESSED_BYTES: String(CHAOS_MAX_DECOMPRESSED_BYTES),
    FLUSH_CONCURRENCY: '4',
    SHUTDOWN_HOOK: 'off',
  };
  if (lane.destination !== ChaosDestination.both) {
    return { ...common, FLUSHER: lane.destination, ...serviceVars(lane, lane.destination, s3Endpoint) };
  }
  const file = join(directory, `${lane.name}.yaml`);
  await writeFile(file, pipelineFile(lane, s3Endpoint));
  return { ...common, PIPELINE_CONFIG: file };
}

/**
 * A LoongCollector-style pipeline file with one flusher per service of the lane. The Kinesis lane
 * quarantines into CloudWatch Logs and the others into S3, so both sinks serve a pipeline.
 */
function pipelineFile(lane: ChaosLane, s3Endpoint: string | undefined): string {
  const flushers = lane.services.map((service) => ({
    Type: PIPELINE_TYPES[service],
    Name: PIPELINE_FLUSHER_NAMES[service],
    ...pipelineOptions(service, serviceVars(lane, service, s3Endpoint)),
  }));
  const quarantine = lane.source === ChaosSource.kinesis ? ChaosService.cloudwatch : ChaosService.s3;
  return stringify({ flushers, quarantine: PIPELINE_FLUSHER_NAMES[quarantine] });
}

/** The service's variables as the options of its pipeline flusher (`S3_BUCKET` → `Bucket`). */
function pipelineOptions(service: ChaosService, vars: Env): Record<string, string> {
  const options: Record<string, string> = {};
  for (const [variable, value] of Object.entries(vars)) {
    if (value === undefined) continue;
    const option = optionForVariable(service, variable);
    if (option === undefined) throw new Error(`${variable} has no option in a ${service} pipeline flusher`);
    options[option] = value;
  }
  return options;
}

/** The variables of one service's flusher in this lane (README "S3 destination", "CloudWatch Logs destination"). */
function serviceVars(lane: ChaosLane, service: ChaosService, s3Endpoint: string | undefined): Env {
  if (service === ChaosService.cloudwatch) {
    return { CWL_REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS, CWL_QUARANTINE_LOG_STREAM: lane.name };
  }
  return {
    S3_BUCKET: TEST_BUCKET,
    S3_KEY_PREFIX: s3Prefix(lane),
    S3_FORCE_PATH_STYLE: 'true',
    S3_CHECKSUM: 'when_required',
    S3_COMPRESSION: lane.source === ChaosSource.kinesis ? 'zstd' : 'gzip',
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    S3_REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS,
    S3_CONNECT_TIMEOUT_MS: '1000',
    S3_BREAKER_COOLDOWN_MS: BREAKER_COOLDOWN_MS,
  };
}
