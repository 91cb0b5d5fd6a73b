// A trial's timeline for replays (`cli.ts --only … --trace`): the function's log lines and the
// network calls, in ms relative to the SIGTERM (or the invocation start).
import type { LambdaEnvironment } from '../fixtures/lambda-runtime/LambdaEnvironment.ts';
import type { ProxiedCall } from './LatencyProxy.ts';

export function traceTimeline(
  zeroAt: number,
  environment: LambdaEnvironment,
  calls: readonly ProxiedCall[],
): string[] {
  const at = (time: number | undefined) =>
    time === undefined ? '—' : `${time - zeroAt >= 0 ? '+' : ''}${time - zeroAt}`;
  const events: Array<{ time: number; text: string }> = [];
  for (const line of environment.logs) {
    let text = line.text.slice(0, 160);
    if (line.text.startsWith('{')) {
      const entry = JSON.parse(line.text) as Record<string, unknown>;
      if (entry.message === undefined) continue; // EMF metrics
      text = [entry.message, entry.error, entry.elapsedMs].filter((part) => part !== undefined).join(' ');
    }
    events.push({ time: line.at, text: `${line.source}: ${text}` });
  }
  for (const call of calls) {
    const target = String(call.headers['x-amz-target'] ?? '');
    events.push({
      time: call.arrivedAt,
      text:
        `${call.verdict} ${call.method} ${target || call.url.slice(0, 100)} → ${call.status ?? 'no answer'} ` +
        `at ${at(call.answeredAt)}${call.clientGone ? ' (client gone)' : ''}`,
    });
  }
  return events
    .sort((a, b) => a.time - b.time)
    .map((event) => `  ${at(event.time).padStart(7)} ms  ${event.text}`);
}
