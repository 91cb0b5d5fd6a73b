import type { LogGroup } from '../protocol/LogGroup.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same logs on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/', '/api/orders', '/api/items', '/api/cart', '/login', '/static/app.js', '/healthz'];
const STATUSES = ['200', '200', '200', '200', '201', '204', '301', '404', '500', '503'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/8.5.0',
];

/** Options of {@link webAccessLogGroups}. */
export interface SampleOptions {
  readonly groups: number;
  readonly logsPerGroup: number;
  readonly seed?: number;
  /** Logstores the groups are spread over (routed with the `__logstore__` tag). */
  readonly logstores?: readonly string[];
  /**
   * Unix time of the first log (each group is 2 s after the one before). Default: five minutes
   * ago, so CloudWatch Logs, which refuses events older than 14 days, takes them.
   */
  readonly startTime?: number;
  /** Pad each log towards this many bytes of content (realistic ~1 KB lines). */
  readonly logBytes?: number;
}

/**
 * nginx-style access logs, as iLogtail would ship them: the same seed and start time give the
 * same logs on every machine.
 */
export function webAccessLogGroups(options: SampleOptions): LogGroup[] {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const logstores = options.logstores ?? ['nginx-access'];
  const start = options.startTime ?? Math.floor(Date.now() / 1000) - 300;
  const padding = Math.max(0, (options.logBytes ?? 0) - 420);
  return Array.from({ length: options.groups }, (_, g) => {
    const host = `web-${(g % 8) + 1}`;
    return {
      topic: 'access',
      source: `10.0.${g % 4}.${(g % 250) + 1}`,
      category: undefined,
      machineUUID: undefined,
      logTags: [
        { key: '__hostname__', value: host },
        { key: '__path__', value: '/var/log/nginx/access.log' },
        { key: '__pack_id__', value: `${(0x1f00 + g).toString(16).toUpperCase()}-${g}` },
        { key: '__logstore__', value: logstores[g % logstores.length]! },
      ],
      logs: Array.from({ length: options.logsPerGroup }, (_, i) => {
        const status = pick(STATUSES);
        return {
          time: start + g * 2 + Math.floor(i / 10),
          timeNs: Math.floor(random() * 1e9),
          contents: [
            { key: 'remote_addr', value: `203.0.113.${Math.floor(random() * 254) + 1}` },
            { key: 'method', value: pick(METHODS) },
            { key: 'request_uri', value: `${pick(PATHS)}?id=${Math.floor(random() * 1e6)}` },
            { key: 'status', value: status },
            { key: 'body_bytes_sent', value: String(Math.floor(random() * 50_000)) },
            { key: 'request_time', value: (random() * 2).toFixed(3) },
            { key: 'http_user_agent', value: pick(AGENTS) },
            { key: 'http_referer', value: 'https://shop.example.com/' },
            {
              key: 'request_id',
              value: Math.floor(random() * 2 ** 52)
                .toString(16)
                .padStart(13, '0'),
            },
            ...(padding > 0 ? [{ key: 'upstream_trace', value: 'x'.repeat(padding) }] : []),
          ],
        };
      }),
    };
  });
}
