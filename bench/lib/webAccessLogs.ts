import { logCount } from '../../src/protocol/encodedLogs.ts';
import type { KeyValue, Log, LogGroup } from '../../src/protocol/LogGroup.ts';
import { Prng } from './prng.ts';

/**
 * Realistic, deterministic web-access LogGroups: what iLogtail ships after parsing nginx access
 * logs (about 1 KB per log as protobuf, ~25 contents), one LogGroup per host and flush, with the
 * usual `__hostname__` / `__path__` / `__pack_id__` tags. Same seed, same bytes, on every machine.
 */
export interface WebAccessOptions {
  seed: number;
  groups: number;
  logsPerGroup: number;
}

/** Unix seconds of the first log (2023-11-14 22:13:20 UTC). */
const START_TIME = 1_700_000_000;
const HOSTS = 16;

const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD'] as const;
const STATUSES = [
  '200',
  '200',
  '200',
  '200',
  '200',
  '200',
  '304',
  '301',
  '404',
  '401',
  '500',
  '502',
] as const;
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'okhttp/4.12.0',
  'curl/8.5.0',
] as const;
const REFERERS = [
  '-',
  'https://www.google.com/',
  'https://shop.example.com/',
  'https://shop.example.com/search?q=running+shoes&sort=price_asc',
  'https://shop.example.com/products/3f9c2a/reviews?page=2',
  'https://m.facebook.com/',
] as const;
const SEARCH_TERMS = [
  'running+shoes',
  'rain%20jacket',
  '%E5%92%96%E5%95%A1',
  'usb-c+cable',
  'caf%C3%A9+grinder',
] as const;
// Enrichment output: mostly ASCII, some UTF-8, as a GeoIP processor produces.
const CITIES = [
  'Frankfurt am Main',
  'Ashburn',
  'São Paulo',
  'München',
  '東京',
  'Singapore',
  'Dublin',
  'Zürich',
] as const;
const LANGUAGES = [
  'en-US,en;q=0.9',
  'de-DE,de;q=0.9,en;q=0.8',
  'ja-JP,ja;q=0.9',
  'pt-BR,pt;q=0.9,en;q=0.7',
] as const;
const CONTENT_TYPES = [
  'application/json',
  'text/html; charset=utf-8',
  'application/javascript',
  'image/webp',
] as const;

interface Host {
  hostname: string;
  ip: string;
  uuid: string;
  packPrefix: string;
  /** Older agents do not write Time_ns, so the fleet mixes both (and presence is exercised). */
  nanos: boolean;
}

/** Build `groups` LogGroups of `logsPerGroup` logs each. */
export function webAccessLogGroups(options: WebAccessOptions): LogGroup[] {
  const prng = new Prng(options.seed);
  const hosts: Host[] = [];
  for (let i = 0; i < HOSTS; i++) {
    hosts.push({
      hostname: `web-${String(i + 1).padStart(2, '0')}.prod.eu-central-1.internal`,
      ip: `10.0.${prng.int(0, 15)}.${prng.int(2, 254)}`,
      uuid: `${prng.hex(8)}-${prng.hex(4)}-4${prng.hex(3)}-a${prng.hex(3)}-${prng.hex(12)}`.toUpperCase(),
      packPrefix: prng.hex(16).toUpperCase(),
      nanos: i % 4 !== 3,
    });
  }
  const groups: LogGroup[] = [];
  for (let g = 0; g < options.groups; g++) {
    const host = hosts[g % HOSTS]!;
    const logs: Log[] = [];
    const time = START_TIME + g;
    for (let l = 0; l < options.logsPerGroup; l++) {
      logs.push({
        time,
        timeNs: host.nanos ? prng.int(0, 999_999_999) : undefined,
        contents: accessLogContents(prng, time),
      });
    }
    groups.push({
      logs,
      category: 'nginx-access',
      topic: 'shop-frontend',
      source: host.ip,
      machineUUID: host.uuid,
      logTags: [
        { key: '__hostname__', value: host.hostname },
        { key: '__path__', value: '/var/log/nginx/access.log' },
        { key: '__pack_id__', value: `${host.packPrefix}-${(g >> 4).toString(16).toUpperCase()}` },
        { key: '__user_defined_id__', value: 'shop-frontend-prod' },
      ],
    });
  }
  return groups;
}

function accessLogContents(prng: Prng, time: number): KeyValue[] {
  const method = prng.pick(METHODS);
  const status = prng.pick(STATUSES);
  const client = `${prng.int(1, 223)}.${prng.int(0, 255)}.${prng.int(0, 255)}.${prng.int(1, 254)}`;
  const requestTime = prng.int(1, 2500) / 1000;
  const upstreamTime = Math.max(0, requestTime - prng.int(0, 5) / 1000);
  const pairs: [string, string][] = [
    ['remote_addr', client],
    ['remote_user', '-'],
    ['time_local', `${new Date(time * 1000).toUTCString()}`],
    ['method', method],
    ['request_uri', requestUri(prng)],
    ['protocol', prng.chance(0.7) ? 'HTTP/2.0' : 'HTTP/1.1'],
    ['status', status],
    ['body_bytes_sent', String(prng.int(0, 250_000))],
    ['request_length', String(prng.int(180, 4_000))],
    ['http_referer', prng.pick(REFERERS)],
    ['http_user_agent', prng.pick(USER_AGENTS)],
    ['http_x_forwarded_for', `${client}, 172.31.${prng.int(0, 255)}.${prng.int(1, 254)}`],
    ['http_accept_language', prng.pick(LANGUAGES)],
    ['host', 'shop.example.com'],
    ['request_time', requestTime.toFixed(3)],
    ['upstream_response_time', upstreamTime.toFixed(3)],
    ['upstream_addr', `10.0.${prng.int(16, 31)}.${prng.int(2, 254)}:8080`],
    ['upstream_status', status],
    ['request_id', prng.hex(32)],
    ['trace_id', prng.hex(32)],
    ['span_id', prng.hex(16)],
    ['ssl_protocol', 'TLSv1.3'],
    ['ssl_cipher', 'TLS_AES_128_GCM_SHA256'],
    ['sent_http_content_type', prng.pick(CONTENT_TYPES)],
    ['geo_city', prng.pick(CITIES)],
    ['session_id', prng.alnum(40)],
  ];
  return pairs.map(([key, value]) => ({ key, value }));
}

function requestUri(prng: Prng): string {
  switch (prng.int(0, 5)) {
    case 0:
      return `/api/v1/products/${prng.hex(6)}?currency=EUR&locale=de-DE&include=price,stock,reviews`;
    case 1:
      return `/api/v1/orders/${prng.int(100_000, 999_999)}/items?limit=20&offset=${prng.int(0, 10) * 20}`;
    case 2:
      return `/search?q=${prng.pick(SEARCH_TERMS)}&page=${prng.int(1, 9)}&sort=relevance&utm_source=newsletter`;
    case 3:
      return `/static/js/app.${prng.hex(8)}.chunk.js`;
    case 4:
      return `/api/v1/cart/${prng.alnum(22)}/checkout?step=payment`;
    default:
      return '/healthz';
  }
}

/** Number of logs in `groups` (logs left encoded stay encoded). */
export function countLogs(groups: readonly LogGroup[]): number {
  let count = 0;
  for (const group of groups) count += logCount(group);
  return count;
}
