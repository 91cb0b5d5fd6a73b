/** Where a chaos lane's records come from. */
export const ChaosSource = { sqs: 'sqs', fifo: 'sqs-fifo', kinesis: 'kinesis' } as const;
export type ChaosSource = (typeof ChaosSource)[keyof typeof ChaosSource];

/** Where a chaos lane's handler flushes to (the `FLUSHER` value). */
export const ChaosDestination = { s3: 's3', cloudwatch: 'cloudwatch-logs' } as const;
export type ChaosDestination = (typeof ChaosDestination)[keyof typeof ChaosDestination];

/** One queue or stream feeding one function with one destination. */
export interface ChaosLane {
  /** `sqs-s3`, `sqs-fifo-cwl`, `kinesis-s3`, …: also its S3 prefix, CloudWatch project and quarantine stream. */
  readonly name: string;
  readonly source: ChaosSource;
  readonly destination: ChaosDestination;
  readonly records: number;
}

/** How a run's records are shared between the sources. */
const SOURCE_SHARE: Readonly<Record<ChaosSource, number>> = { sqs: 0.4, 'sqs-fifo': 0.25, kinesis: 0.35 };

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
        name: `${source}-${destination === ChaosDestination.s3 ? 's3' : 'cwl'}`,
        source,
        destination,
        records: Math.max(10, Math.round(records * share)),
      });
    }
  }
  return lanes;
}
