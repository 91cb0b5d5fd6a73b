import { gzipSync, zstdCompressSync } from 'node:zlib';
import { PoisonReason } from '../../src/errors.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import type { LogGroup } from '../../src/protocol/LogGroup.ts';
import { aggregateKpl } from '../helpers/kplAggregator.ts';
import type { Random } from '../helpers/random.ts';

// Records no decoder can turn into LogGroups, one kind per way input goes wrong, with the
// quarantine reason each must get (README "Input formats" and "Processing guarantees").

/** The handler's `MAX_DECOMPRESSED_BYTES` in chaos runs (small, so a bomb is cheap to build). */
export const CHAOS_MAX_DECOMPRESSED_BYTES = 1024 * 1024;

/** What a bomb inflates to: twice the limit, from about 2 KB of gzip. */
const BOMB_BYTES = 2 * CHAOS_MAX_DECOMPRESSED_BYTES;

/** Poison kinds an SQS body can carry (text only), and the reason each must be quarantined with. */
export const SQS_POISON = {
  text: PoisonReason.unsupportedFormat,
  'kpl+base64': PoisonReason.unsupportedFormat,
  'truncated-protobuf+base64': PoisonReason.malformed,
  'corrupt-gzip+base64': PoisonReason.malformed,
  'gzip-bomb+base64': PoisonReason.tooLarge,
  'bad-json-form': PoisonReason.malformed,
  'bad-converter-json': PoisonReason.malformed,
  'bad-cloudwatch': PoisonReason.malformed,
} as const satisfies Record<string, PoisonReason>;
export type SqsPoisonKind = keyof typeof SQS_POISON;

/** Poison kinds Kinesis data can carry, and the reason each must be quarantined with. */
export const KINESIS_POISON = {
  binary: PoisonReason.unsupportedFormat,
  'truncated-protobuf': PoisonReason.malformed,
  'truncated-zstd': PoisonReason.malformed,
  'gzip-bomb': PoisonReason.tooLarge,
  'kpl-bad-checksum': PoisonReason.checksum,
  'kpl-bad-user-record': PoisonReason.malformed,
  'bad-json-form': PoisonReason.malformed,
} as const satisfies Record<string, PoisonReason>;
export type KinesisPoisonKind = keyof typeof KINESIS_POISON;

/**
 * Where poison carries a planted secret: always past the first 40 characters, so a detail quoting
 * a short prefix (32 characters) can never reach it.
 */
const FILLER = 'this record is not a LogGroup in any form; ';

/** An SQS body of poison `kind`; `secret` (when given) is buried inside it. */
export function sqsPoisonBody(
  kind: SqsPoisonKind,
  sample: LogGroup,
  random: Random,
  secret = 'none',
): string {
  const protobuf = encodeLogGroupList([sample]);
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  switch (kind) {
    case 'text':
      return `${FILLER}${FILLER}note=${secret} #${random.int(0, 1e9)}`;
    case 'kpl+base64':
      return base64(aggregateKpl([{ data: protobuf }, { data: protobuf }]));
    case 'truncated-protobuf+base64':
      return base64(protobuf.subarray(0, protobuf.length - random.int(3, 12)));
    case 'corrupt-gzip+base64':
      return base64(corrupt(gzipSync(protobuf)));
    case 'gzip-bomb+base64':
      return base64(gzipSync(Buffer.alloc(BOMB_BYTES)));
    case 'bad-json-form':
      return JSON.stringify({
        groups: [{ logs: [{ time: 'soon', contents: [{ key: 'note', value: `${FILLER}${secret}` }] }] }],
      });
    case 'bad-converter-json':
      return JSON.stringify({ contents: { note: `${FILLER}${secret}` }, tags: {}, time: 'yesterday' });
    case 'bad-cloudwatch':
      return JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: '123456789012',
        logGroup: 'app',
        logStream: 'web-1',
        subscriptionFilters: ['to-sqs'],
        logEvents: [{ id: '1', timestamp: 'noon', message: `${FILLER}${secret}` }],
      });
  }
}

/** Kinesis data of poison `kind`; `sample` should carry the planted secret in its contents. */
export function kinesisPoisonData(
  kind: KinesisPoisonKind,
  sample: LogGroup,
  random: Random,
  secret = 'none',
): Uint8Array {
  const protobuf = encodeLogGroupList([sample]);
  switch (kind) {
    case 'binary':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${FILLER}${secret}`)]);
    case 'truncated-protobuf':
      return protobuf.subarray(0, protobuf.length - random.int(3, 12));
    case 'truncated-zstd':
      return zstdCompressSync(protobuf).subarray(0, 30);
    case 'gzip-bomb':
      return gzipSync(Buffer.alloc(BOMB_BYTES));
    case 'kpl-bad-checksum': {
      const aggregate = Buffer.from(aggregateKpl([{ data: protobuf }, { data: protobuf }]));
      aggregate[aggregate.length - 1]! ^= 0xff;
      return aggregate;
    }
    case 'kpl-bad-user-record':
      return aggregateKpl([{ data: protobuf }, { data: protobuf.subarray(0, protobuf.length - 7) }]);
    case 'bad-json-form':
      return Buffer.from(
        JSON.stringify({
          groups: [{ logs: [{ time: -1, contents: [{ key: 'note', value: `${FILLER}${secret}` }] }] }],
        }),
      );
  }
}

/** Flip bits in the middle of a compressed stream (past its header). */
function corrupt(bytes: Uint8Array): Uint8Array {
  const copy = Buffer.from(bytes);
  for (let i = 12; i < Math.min(copy.length - 8, 24); i++) copy[i]! ^= 0xa5;
  return copy;
}
