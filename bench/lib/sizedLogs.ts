import type { KeyValue, LogGroup } from '../../src/protocol/LogGroup.ts';
import { Prng } from './prng.ts';
import { webAccessLogGroups } from './webAccessLogs.ts';

/** Mean protobuf size of one log in the shape benchmark's batches: small, typical, large. */
export const LogSize = { small: 200, typical: 1024, large: 8192 } as const;
export type LogSize = (typeof LogSize)[keyof typeof LogSize];

/** Options of {@link sizedLogGroups}. */
export interface SizedLogOptions {
  seed: number;
  groups: number;
  logsPerGroup: number;
  /** Mean protobuf bytes per log (contents, times and framing). */
  logBytes: LogSize;
  /** Unix seconds of the first log; default 2023-11-14 22:13:20 UTC (a destination checking log age wants now). */
  startTime?: number;
}

/** Unix seconds of the first log: as in webAccessLogs.ts, 2023-11-14 22:13:20 UTC. */
const START_TIME = 1_700_000_000;
/**
 * Seconds one batch's logs span: 10 minutes, inside one UTC hour (the first log is at 22:13:20), so
 * every shape stores one S3 object whatever its number of groups. A producer's 6 MB batch covers
 * seconds to minutes of logs.
 */
const BATCH_SPAN_SECONDS = 600;
/** The contents a 200-byte access log keeps: what a minimal nginx `log_format` writes. */
const SMALL_KEYS = new Set([
  'remote_addr',
  'method',
  'status',
  'body_bytes_sent',
  'request_time',
  'upstream_status',
  'trace_id',
]);
/** Bytes of request body an 8 KB log carries on top of the ~1 KB access log. */
const LARGE_BODY_CHARS = 7_100;

/**
 * Seeded web-access LogGroups (webAccessLogs.ts) whose logs average `logBytes` as protobuf: 200 B
 * keeps seven short fields of each access log, 1 KB is the access log itself, 8 KB adds a
 * `request_body` content (a JSON cart of ~7 KB, quotes and all, as an API gateway logs it). Log times
 * are spread over 10 minutes (of one hour, from the default start), whatever the number of groups.
 */
export function sizedLogGroups(options: SizedLogOptions): LogGroup[] {
  const groups = webAccessLogGroups(options);
  const prng = new Prng(options.seed ^ 0x5eed);
  groups.forEach((group, g) => {
    const time = (options.startTime ?? START_TIME) + Math.floor((g * BATCH_SPAN_SECONDS) / groups.length);
    for (const log of group.logs) {
      log.time = time;
      if (options.logBytes === LogSize.small) {
        log.contents = log.contents.filter((content) => SMALL_KEYS.has(content.key));
      } else if (options.logBytes === LogSize.large) {
        log.contents.push(requestBody(prng));
      }
    }
  });
  return groups;
}

const PRODUCTS = [
  'Trail Runner GTX',
  'Merino Crew Sock',
  'Rain Shell Jacket',
  'USB-C Cable 2m',
  'Espresso Grinder',
  'Café Crème Beans',
  'Yoga Mat Pro',
  'Headlamp 400lm',
] as const;

/** A JSON cart as the body of a checkout request, about {@link LARGE_BODY_CHARS} long. */
function requestBody(prng: Prng): KeyValue {
  const items: string[] = [];
  let length = 0;
  while (length < LARGE_BODY_CHARS) {
    const item = JSON.stringify({
      sku: prng.alnum(10),
      name: prng.pick(PRODUCTS),
      qty: prng.int(1, 5),
      price: (prng.int(199, 19_999) / 100).toFixed(2),
      currency: 'EUR',
      warehouse: `fra-${prng.int(1, 4)}`,
      gift: prng.chance(0.1),
    });
    items.push(item);
    length += item.length + 1;
  }
  return { key: 'request_body', value: `{"cart":"${prng.hex(24)}","items":[${items.join(',')}]}` };
}
