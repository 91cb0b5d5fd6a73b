import { DEFAULT_QUARANTINE_LOG_GROUP } from '../../src/flushers/cloudwatch/config.ts';
import type { ChaosCloud } from './ChaosCloud.ts';
import type { LaneReport, ServiceReport } from './ChaosReport.ts';
import { checkLane } from './checkLane.ts';
import { checkStoredLogs } from './checkStoredLogs.ts';
import { project, s3Prefix } from './laneConfig.ts';
import { type ChaosLane, ChaosService, pipelineFlusherName } from './lanes.ts';
import { type DestinationContents, readCloudWatchLane, readS3Lane } from './readDestinations.ts';
import type { runLane } from './runLane.ts';
import type { ChaosRecord } from './workload.ts';

/**
 * Read back what every service of the lane holds (straight from s3rver and the CloudWatch Logs
 * service, never through the faults) and check it: the quarantine once for the lane (whichever
 * sink holds it), the logs at each service on their own, so a log one service lacks is lost even
 * when the other one has it.
 */
export async function reportLane(
  cloud: ChaosCloud,
  lane: ChaosLane,
  records: readonly ChaosRecord[],
  run: Awaited<ReturnType<typeof runLane>>,
): Promise<LaneReport> {
  const contents = await Promise.all(lane.services.map((service) => readService(cloud, lane, service)));
  const quarantine = contents.flatMap((content) => content.quarantine);
  const services = lane.services.map((service, i): ServiceReport => {
    const { logs, duplicateObjects, units } = contents[i]!;
    const flusher = pipelineFlusherName(lane, service);
    const pressure = run.pressure.get(service)!;
    return {
      service,
      flusher,
      verdict: checkStoredLogs(records, run.acked, logs, quarantine, {
        refusesOutsideWindow: service === ChaosService.cloudwatch,
        flusher,
      }),
      notReady: pressure.notReady,
      deadlines: pressure.deadlines,
      duplicateObjects,
      storedUnits: units,
    };
  });
  return {
    lane,
    poison: records.filter((record) => record.poison !== undefined).length,
    acked: run.acked.size,
    deliveries: run.deliveries,
    invocations: run.run.invocations,
    orderViolations: run.orderViolations,
    invalidResponses: run.run.invalidResponses,
    stoppedBecause: run.run.stoppedBecause,
    verdict: checkLane(records, run.acked, quarantine),
    services,
    duplicateQuarantine: contents.reduce((sum, content) => sum + content.duplicateQuarantine, 0),
    quarantine,
    elapsedMs: run.elapsedMs,
  };
}

function readService(
  cloud: ChaosCloud,
  lane: ChaosLane,
  service: ChaosService,
): Promise<DestinationContents> {
  if (service === ChaosService.s3) return readS3Lane(cloud.s3!, s3Prefix(lane));
  return Promise.resolve(
    readCloudWatchLane(cloud.cloudWatch!.service, `/loggroup-flusher/${project(lane)}/`, {
      group: DEFAULT_QUARANTINE_LOG_GROUP,
      stream: lane.name,
    }),
  );
}
