import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { FlusherMetricUnit } from '../flusher/Flusher.ts';
import type { BatchMetrics } from './BatchMetrics.ts';

/** A metric by name and unit: one of {@link Metric}, or one a flusher reports. */
export interface MetricName {
  readonly name: string;
  readonly unit: FlusherMetricUnit;
}

/**
 * Sums counters (latencies keep every value) until they are drained into Powertools Metrics: one
 * per invocation for the runtime's counts, one per pipeline flusher living as long as the flusher.
 */
export class InvocationMetrics implements BatchMetrics {
  readonly #sums = new Map<string, { unit: FlusherMetricUnit; value: number }>();
  readonly #latencies = new Map<string, number[]>();

  add(metric: MetricName, value: number): void {
    if (metric.unit === 'Milliseconds') {
      const values = this.#latencies.get(metric.name);
      if (values === undefined) this.#latencies.set(metric.name, [Math.round(value)]);
      else values.push(Math.round(value));
      return;
    }
    const sum = this.#sums.get(metric.name);
    if (sum === undefined) this.#sums.set(metric.name, { unit: metric.unit, value });
    else sum.value += value;
  }

  get(metric: MetricName): number {
    return this.#sums.get(metric.name)?.value ?? 0;
  }

  get empty(): boolean {
    return this.#sums.size === 0 && this.#latencies.size === 0;
  }

  /** Add everything to `metrics` (to be published with its next blob) and start from zero. */
  drainInto(metrics: Metrics): void {
    for (const [name, { unit, value }] of this.#sums) metrics.addMetric(name, unit, value);
    for (const [name, values] of this.#latencies)
      for (const value of values) metrics.addMetric(name, 'Milliseconds', value);
    this.#sums.clear();
    this.#latencies.clear();
  }
}
