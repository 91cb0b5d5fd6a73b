/**
 * Child process of the CloudWatch Logs benchmark: the loopback CloudWatch Logs endpoint
 * (test/fixtures/cwl/CloudWatchLogsEndpoint.ts, which enforces the documented PutLogEvents rules)
 * with its clock fixed at `argv[2]` (ms). Commands, one per stdin line, each answered with one
 * JSON line:
 * - `calls`: requests per operation since the last `reset`;
 * - `stored`: events stored, in total and per stream;
 * - `reset`: zero the counters and drop the stored events (streams and groups stay).
 */
import { CloudWatchLogsEndpoint } from '../../test/fixtures/cwl/CloudWatchLogsEndpoint.ts';
import { serveCommands } from './childServer.ts';

const now = Number(process.argv[2]);
const endpoint = await CloudWatchLogsEndpoint.start({ now: () => now });

const streams = () =>
  [...endpoint.service.groups].flatMap(([group, state]) =>
    [...state.streams].map(([stream, events]) => ({ group, stream, events })),
  );

serveCommands(
  { url: endpoint.url },
  (command) => {
    switch (command) {
      case 'calls':
        return endpoint.calls;
      case 'stored':
        return {
          events: streams().reduce((n, s) => n + s.events.length, 0),
          bytes: streams().reduce(
            (n, s) => n + s.events.reduce((b, e) => b + Buffer.byteLength(e.message), 0),
            0,
          ),
        };
      case 'reset':
        endpoint.resetCounters();
        for (const { events } of streams()) events.length = 0;
        return 'ok';
      default:
        return { error: `unknown command ${command}` };
    }
  },
  () => endpoint.close(),
);
