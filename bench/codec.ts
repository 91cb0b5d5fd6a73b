/**
 * Codec benchmark (issues 2 and 7): decode MB/s of this project's hand-written `sls_logs` decoder
 * against `@bufbuild/protobuf` v2 and `protobufjs` on the same bytes, in one process.
 *
 * The runtime needs the `LogGroup` model, so a library's fair figure is "decode + map to the
 * model"; its "decode only" figure is shown too. Before timing, all three must produce exactly the
 * generated groups, or the benchmark fails.
 *
 * Run through the runner: `npm run bench -- --only codec` (add `--quick` for a smoke run).
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { decodeLogGroupList } from '../src/protocol/decodeLogGroup.ts';
import { encodeLogGroupList } from '../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../src/protocol/LogGroup.ts';
import { benchArgs, progress, report } from './lib/result.ts';
import { bufbuildToModel, decodeWithBufbuild } from './lib/slsLogsBufbuild.ts';
import { decodeWithProtobufjs, protobufjsToModel } from './lib/slsLogsProtobufjs.ts';
import { mbPerSecond, median, round, timeRounds, type Variant } from './lib/timing.ts';
import { countLogs, webAccessLogGroups } from './lib/webAccessLogs.ts';

/** Issue 2: keep the hand-written codec only if it is at least this much faster than the better library. */
const KEEP_THRESHOLD = 1.5;

const { quick } = benchArgs();
const size = quick ? { groups: 6, logsPerGroup: 5 } : { groups: 200, logsPerGroup: 30 };
const timing = quick ? { warmup: 1, runs: 3 } : { warmup: 3, runs: 31 };

const groups = webAccessLogGroups({ seed: 0x51_5c, ...size });
const logs = countLogs(groups);
// A Buffer, like the bytes the runtime gets from base64-decoding a Kinesis or SQS record.
const bytes = Buffer.from(encodeLogGroupList(groups));
progress(`codec: ${size.groups} groups × ${size.logsPerGroup} logs = ${(bytes.length / 1e6).toFixed(2)} MB`);

function sameAsInput(decoder: string, decoded: LogGroup[]): void {
  if (decoded.length !== groups.length) {
    throw new Error(`${decoder} decoded ${decoded.length} groups, expected ${groups.length}`);
  }
  for (let i = 0; i < groups.length; i++) {
    if (!isDeepStrictEqual(decoded[i], groups[i])) {
      throw new Error(
        `${decoder} differs from the input at group ${i}:\n  got      ${JSON.stringify(decoded[i]).slice(0, 400)}\n  expected ${JSON.stringify(groups[i]).slice(0, 400)}`,
      );
    }
  }
}
sameAsInput('decodeLogGroupList', decodeLogGroupList(bytes));
sameAsInput('@bufbuild/protobuf', bufbuildToModel(decodeWithBufbuild(bytes)));
sameAsInput('protobufjs', protobufjsToModel(decodeWithProtobufjs(bytes)));
progress('codec: all three decoders give exactly the generated groups');

// Both libraries name the repeated field `Logs`, as the .proto does.
const countMessages = (list: { logGroupList: { Logs: unknown[] }[] }) =>
  list.logGroupList.reduce((n, g) => n + g.Logs.length, 0);

const variants: Variant[] = [
  { name: 'ours', run: () => countLogs(decodeLogGroupList(bytes)) },
  { name: 'bufbuild', run: () => countMessages(decodeWithBufbuild(bytes)) },
  { name: 'bufbuild+map', run: () => countLogs(bufbuildToModel(decodeWithBufbuild(bytes))) },
  { name: 'protobufjs', run: () => countMessages(decodeWithProtobufjs(bytes)) },
  { name: 'protobufjs+map', run: () => countLogs(protobufjsToModel(decodeWithProtobufjs(bytes))) },
];
progress(`codec: ${timing.warmup} warm-up + ${timing.runs} timed rounds of ${variants.length} variants`);
const times = timeRounds(variants, { ...timing, expect: logs });

const mbps = (name: string) => mbPerSecond(bytes.length, median(times.get(name)!));
const spread = (name: string) => {
  const all = times.get(name)!.map((ms) => mbPerSecond(bytes.length, ms));
  return `${round(Math.min(...all))}–${round(Math.max(...all))}`;
};
const ours = mbps('ours');
const installed = (name: string): string =>
  (
    JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
const libraries = [
  { label: `\`@bufbuild/protobuf\` ${installed('@bufbuild/protobuf')}`, key: 'bufbuild' },
  { label: `\`protobufjs\` ${installed('protobufjs')}`, key: 'protobufjs' },
].map((lib) => ({ ...lib, decode: mbps(lib.key), mapped: mbps(`${lib.key}+map`) }));
const best = libraries.reduce((a, b) => (b.mapped > a.mapped ? b : a));
const ratio = ours / best.mapped;
// Cross-check that is less sensitive to load drifting during the run: the two runs of one round
// are taken back to back, so their ratio compares like with like.
const oursTimes = times.get('ours')!;
const roundRatios = times.get(`${best.key}+map`)!.map((ms, i) => ms / oursTimes[i]!);
const roundRatio = median(roundRatios);
// Both estimates must agree before a run decides anything; on this shared machine they can differ.
const verdict =
  ratio >= KEEP_THRESHOLD && roundRatio >= KEEP_THRESHOLD
    ? '**keep** the hand-written codec'
    : ratio < KEEP_THRESHOLD && roundRatio < KEEP_THRESHOLD
      ? `**below ${KEEP_THRESHOLD}×**: switch to ${best.label}`
      : `**undecided**: the two estimates fall on both sides of ${KEEP_THRESHOLD}× (a noisy run; see the min–max column), re-run`;

const row = (label: string, decodeOnly: number, key: string, mapped: number) => [
  label,
  round(decodeOnly),
  round(mapped),
  spread(key),
  round(logs / (bytes.length / 1e6 / mapped) / 1000),
  `${round(ours / mapped)}×`,
];

report({
  name: 'codec',
  input: `${(bytes.length / 1e6).toFixed(2)} MB LogGroupList (seeded web-access logs: ${size.groups} LogGroups × ${size.logsPerGroup} logs, ${Math.round(bytes.length / logs)} B/log), Buffer input; median of ${timing.runs} runs after ${timing.warmup} warm-up rounds, variants interleaved, full GC before each run.`,
  columns: [
    'decoder',
    'decode only (MB/s)',
    'decode → `LogGroup[]` (MB/s)',
    'min–max (MB/s)',
    'k logs/s',
    'ours is',
  ],
  rows: [
    row('this project (`decodeLogGroupList`)', ours, 'ours', ours),
    ...libraries.map((lib) => row(lib.label, lib.decode, `${lib.key}+map`, lib.mapped)),
  ],
  notes: quick
    ? [
        'Quick run (tiny input, few runs): checks that the benchmark runs and the three decoders agree; no figure here is a measurement.',
      ]
    : [
        `Decision rule (issue 2): keep the hand-written codec only if it is ≥ ${KEEP_THRESHOLD}× the better library, decode → \`LogGroup[]\` on both sides.`,
        `Ours ${round(ours)} MB/s vs ${best.label} ${round(best.mapped)} MB/s = **${ratio.toFixed(2)}×** (ratio of medians); round by round (runs taken back to back) the median ratio is **${roundRatio.toFixed(2)}×**, range ${Math.min(...roundRatios).toFixed(2)}–${Math.max(...roundRatios).toFixed(2)}×.`,
        `Verdict of this run: ${verdict}.`,
      ],
  data: { bytes: bytes.length, logs, timesMs: Object.fromEntries(times), ratio, roundRatios, verdict },
});
