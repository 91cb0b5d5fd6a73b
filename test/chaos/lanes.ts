/** Where a chaos lane's records come from. */
export const ChaosSource = { sqs: 'sqs', fifo: 'sqs-fifo', kinesis: 'kinesis' } as const;
export type ChaosSource = (typeof ChaosSource)[keyof typeof ChaosSource];

/** A service the flushers write to, each behind its own fault injector (the `FLUSHER` value). */
export const ChaosService = { s3: 's3', cloudwatch: 'cloudwatch-logs' } as const;
export type ChaosService = (typeof ChaosService)[keyof typeof ChaosService];

/**
 * Where a chaos lane's handler flushes to: one service (`FLUSHER`), or `both` of them as two
 * flushers of one pipeline (`PIPELINE_CONFIG`).
 */
export const ChaosDestination = { ...ChaosService, both: 'both' } as const;
export type ChaosDestination = (typeof ChaosDestination)[keyof typeof ChaosDestination];

/** The `Name` of each flusher in the pipeline of a `both` lane. */
export const PIPELINE_FLUSHER_NAMES = {
  s3: 'archive',
  'cloudwatch-logs': 'search',
} as const satisfies Record<ChaosService, string>;

/** One queue or stream feeding one function with one destination. */
export interface ChaosLane {
  /** `sqs-s3`, `sqs-fifo-cwl`, `kinesis-both`, …: also its S3 prefix, CloudWatch project and quarantine stream. */
  readonly name: string;
  readonly source: ChaosSource;
  readonly destination: ChaosDestination;
  /** The services the destination writes to, each checked on its own. */
  readonly services: readonly ChaosService[];
  readonly records: number;
}

/** The pipeline flusher that writes to `service` in this lane; undefined for a single-`FLUSHER` lane. */
export function pipelineFlusherName(lane: ChaosLane, service: ChaosService): string | undefined {
  return lane.destination === ChaosDestination.both ? PIPELINE_FLUSHER_NAMES[service] : undefined;
}

/** How a run's records are shared between the sources. */
const SOURCE_SHARE: Readonly<Record<ChaosSource, number>> = { sqs: 0.4, 'sqs-fifo': 0.25, kinesis: 0.35 };

const LANE_SUFFIX: Readonly<Record<ChaosDestination, string>> = {
  s3: 's3',
  'cloudwatch-logs': 'cwl',
  both: 'both',
};

/** Split `records` over every chosen source × destination pair (at least 10 records each). */
export function planLanes(
  records: number,
  sources: readonly ChaosSource[],
  destinations: readonly ChaosDestination[],
): ChaosLane[] {
  const totalShare = sources.reduce((sum, source) => sum + SOURCE_SHARE[source], 0);
  const lanes: ChaosLane[] = [];
  for (const source of sources) {
    for (const destination of destinations) {
      const share = SOURCE_SHARE[source] / totalShare / destinations.length;
      lanes.push({
        name: `${source}-${LANE_SUFFIX[destination]}`,
        source,
        destination,
        services: destination === ChaosDestination.both ? Object.values(ChaosService) : [destination],
        records: Math.max(10, Math.round(records * share)),
      });
    }
  }
  return lanes;
}
