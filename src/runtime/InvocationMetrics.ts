import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { BatchMetrics, Metric } from './BatchMetrics.ts';

/** Sums counters over one invocation (latencies keep every value) and publishes them once. */
export class InvocationMetrics implements BatchMetrics {
  readonly #sums = new Map<Metric, number>();
  readonly #latencies: number[] = [];

  add(metric: Metric, value: number): void {
    if (metric.unit === 'Milliseconds') this.#latencies.push(Math.round(value));
    else this.#sums.set(metric, (this.#sums.get(metric) ?? 0) + value);
  }

  get(metric: Metric): number {
    return this.#sums.get(metric) ?? 0;
  }

  publish(metrics: Metrics): void {
    for (const [metric, value] of this.#sums) metrics.addMetric(metric.name, metric.unit, value);
    for (const value of this.#latencies) metrics.addMetric('FlushLatency', 'Milliseconds', value);
  }
}
