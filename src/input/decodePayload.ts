import { constants as bufferConstants } from 'node:buffer';
import {
  ConfigError,
  DecodeError,
  PoisonRecordError,
  SizeLimitError,
  UnsupportedFormatError,
} from '../errors.ts';
import type { LogGroup } from '../protocol/LogGroup.ts';
import { base64TextBytes, canonicalBase64Bytes } from './base64Text.ts';
import { compressionOf, decompress } from './decompress.ts';
import { describePrefix } from './describeBytes.ts';
import { decodeJsonPayload, type JsonKind } from './jsonPayload.ts';
import { looksLikeJsonText } from './jsonText.ts';
import { isKplAggregate } from './kpl.ts';
import { decodeProtobufPayload, hasListShape, PROTOBUF_FIRST_BYTES } from './protobufPayload.ts';

/** Values of `INPUT_FORMAT`: detect, or force one payload format. */
export const InputFormat = {
  auto: 'auto',
  protobuf: 'protobuf',
  json: 'json',
  converterJson: 'converter-json',
  cloudwatchSubscription: 'cloudwatch-subscription',
} as const;
export type InputFormat = (typeof InputFormat)[keyof typeof InputFormat];

/**
 * Default cap on the bytes one record may decompress to (and on the bytes any decoder parses):
 * 32 MiB. Records are at most 1 MiB (SQS message, Kinesis record), so this admits a 32:1 ratio,
 * well above what logs reach with gzip or zstd, while a decoded record (3 to 5 times its bytes as
 * JavaScript objects) still fits a 512 MB function.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;

/** Nested compression layers undone at most (for example zstd inside gzip); a third is refused. */
export const MAX_COMPRESSION_LAYERS = 2;

export interface DecodeOptions {
  /** `auto` (default) detects the format; any other value forces it. */
  format: InputFormat;
  /** Cap on decompressed bytes per record, enforced while inflating; {@link DEFAULT_MAX_DECOMPRESSED_BYTES}. */
  maxDecompressedBytes: number;
}

export interface DecodedPayload {
  groups: LogGroup[];
  /**
   * The format detected, for metrics and logs: envelopes then payload, joined by `+`, for example
   * `protobuf`, `base64+gzip+protobuf`, `gzip+cloudwatch-subscription`, `converter-json:jsonline`.
   */
  format: string;
  /** True for a CloudWatch Logs `CONTROL_MESSAGE`: ack without output. */
  control: boolean;
  /**
   * Size of the innermost payload the groups were decoded from (after base64 and decompression):
   * what holding the decoded groups costs, to within a small factor. The runtime bounds a batch by it.
   */
  decodedBytes: number;
}

interface Layer {
  format: InputFormat;
  limit: number;
  /** Envelopes peeled so far, outermost first, joined by `+` (`''`: none). */
  envelopes: string;
  base64: boolean;
  compressions: number;
  /** The payload's text was already tried as canonical base64 (an SQS body given as a string). */
  canonicalTried: boolean;
}

const FORMATS: ReadonlySet<string> = new Set(Object.values(InputFormat));

/**
 * Decode one record's payload into LogGroups: raw bytes (the runtime has already undone the
 * event's own base64), or a text (an SQS body), read as its UTF-8 bytes. KPL aggregates are
 * de-aggregated first with `deaggregateKpl`. Detection order with `auto` (see the README's "Input formats"):
 * KPL magic (refused here), gzip `1f 8b` / zstd `28 b5 2f fd` (undone, then detected again),
 * JSON text (`{` or `[` first), base64 text (decoded, then detected again), else protobuf.
 *
 * Throws only {@link PoisonRecordError} subclasses for bad input (and {@link ConfigError} for
 * invalid options); never hangs; allocates at most `maxDecompressedBytes` per layer.
 *
 * @example
 * ```ts
 * const { groups, format, control } = decodePayload(record.body, {
 *   format: InputFormat.auto,
 *   maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
 * });
 * ```
 */
export function decodePayload(payload: Uint8Array | string, options: DecodeOptions): DecodedPayload {
  const format = options.format ?? InputFormat.auto;
  if (!FORMATS.has(format)) {
    throw new ConfigError(
      'format',
      `expected one of ${[...FORMATS].join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  const limit = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > bufferConstants.MAX_LENGTH) {
    throw new ConfigError(
      'maxDecompressedBytes',
      `expected a positive integer of bytes, got ${String(limit)}`,
    );
  }
  const layer: Layer = {
    format,
    limit,
    envelopes: '',
    base64: false,
    compressions: 0,
    canonicalTried: false,
  };
  return typeof payload === 'string' ? decodeText(payload, layer) : decodeLayer(payload, layer);
}

/**
 * A text payload decodes as its UTF-8 bytes would. Canonical base64 (how producers put binary in
 * an SQS body) is decoded straight from the string: a copy to UTF-8 bytes and a conversion back to
 * a string fewer per message, which the shape grid measured on 10,000-message batches
 * (BENCHMARKS.md, issue 15). Such text is ASCII, so no other format could have claimed its bytes first.
 */
function decodeText(text: string, layer: Layer): DecodedPayload {
  if (text.length > layer.limit) return decodeLayer(Buffer.from(text, 'utf8'), layer);
  const decoded = canonicalBase64Bytes(text);
  // Not canonical as a string, not canonical as bytes (non-ASCII text never is): not tried twice.
  if (decoded === undefined)
    return decodeLayer(Buffer.from(text, 'utf8'), { ...layer, canonicalTried: true });
  return decodeBase64(text, decoded, layer);
}

function decodeLayer(bytes: Uint8Array, layer: Layer): DecodedPayload {
  if (bytes.length > layer.limit) {
    throw new SizeLimitError(
      `payload of ${bytes.length} bytes${after(layer)} is over the ${layer.limit}-byte limit`,
      layer.limit,
    );
  }
  if (isKplAggregate(bytes)) {
    throw new UnsupportedFormatError(
      `KPL aggregated record${after(layer)}: de-aggregate it with deaggregateKpl() and decode each user record`,
    );
  }
  const compression = compressionOf(bytes);
  if (compression !== undefined) {
    if (layer.compressions >= MAX_COMPRESSION_LAYERS) {
      throw new UnsupportedFormatError(
        `more than ${MAX_COMPRESSION_LAYERS} nested compression layers${after(layer)}`,
      );
    }
    return decodeLayer(decompress(bytes, compression, layer.limit), {
      ...layer,
      envelopes: enveloped(layer, compression),
      compressions: layer.compressions + 1,
    });
  }
  if (layer.format !== InputFormat.protobuf && looksLikeJsonText(bytes)) return decodeJsonText(bytes, layer);
  const base64Decoded =
    !layer.base64 && layer.compressions === 0 ? base64TextBytes(bytes, !layer.canonicalTried) : undefined;
  if (base64Decoded !== undefined) return decodeBase64(bytes, base64Decoded, layer);
  if (!acceptsProtobuf(layer)) {
    throw new UnsupportedFormatError(
      `input format ${layer.format} expects JSON text (or base64 or compressed JSON), got ${describePrefix(bytes)}${after(layer)}`,
    );
  }
  return decodeProtobuf(bytes, layer);
}

function decodeJsonText(bytes: Uint8Array, layer: Layer): DecodedPayload {
  // A LogGroupList starts with 0a (a newline) and its first length byte may be `{` (123) or `[` (91):
  // when the bytes also tile as list entries, protobuf is tried first.
  if (layer.format === InputFormat.auto && bytes[0] === 0x0a && hasListShape(bytes)) {
    try {
      return decodeProtobuf(bytes, layer);
    } catch (protobufError) {
      if (!(protobufError instanceof PoisonRecordError)) throw protobufError;
      try {
        return json(bytes, layer);
      } catch (jsonError) {
        throw jsonError instanceof PoisonRecordError ? protobufError : jsonError;
      }
    }
  }
  return json(bytes, layer);
}

function json(bytes: Uint8Array, layer: Layer): DecodedPayload {
  const { groups, format, control } = decodeJsonPayload(bytes, layer.format as JsonKind);
  return { groups, format: enveloped(layer, format), control, decodedBytes: bytes.length };
}

/** `raw`: the base64 text, as bytes or as the string it came in (ASCII: its bytes are its chars). */
function decodeBase64(raw: Uint8Array | string, decoded: Uint8Array, layer: Layer): DecodedPayload {
  try {
    return decodeLayer(decoded, {
      ...layer,
      base64: true,
      envelopes: enveloped(layer, 'base64'),
    });
  } catch (base64Error) {
    // Text made only of base64 characters is almost surely base64; a raw protobuf that happens to
    // look like it is tried second. The base64 reading's error is reported when its content was
    // recognised (compressed data, however deeply nested; JSON text; a KPL aggregate; a broken
    // gzip, a bad protobuf), the raw reading's when it was not.
    if (!(base64Error instanceof PoisonRecordError) || !acceptsProtobuf(layer)) throw base64Error;
    try {
      return decodeProtobuf(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw, layer);
    } catch (protobufError) {
      if (!(protobufError instanceof PoisonRecordError)) throw protobufError;
      throw unrecognised.has(base64Error) ? protobufError : base64Error;
    }
  }
}

function decodeProtobuf(bytes: Uint8Array, layer: Layer): DecodedPayload {
  try {
    const { groups, shape } = decodeProtobufPayload(bytes);
    return { groups, format: enveloped(layer, shape), control: false, decodedBytes: bytes.length };
  } catch (error) {
    // Bytes that cannot even start a LogGroupList or LogGroup are "not our format", not "broken".
    if (error instanceof DecodeError && !PROTOBUF_FIRST_BYTES.has(bytes[0]!)) {
      if (layer.format === InputFormat.protobuf && looksLikeJsonText(bytes)) {
        throw new UnsupportedFormatError(
          `input format protobuf got JSON text (${describePrefix(bytes)}${after(layer)}); the format auto detects it`,
          { cause: error },
        );
      }
      const unknown = new UnsupportedFormatError(
        `payload matches no known input format (${describePrefix(bytes)}${after(layer)}); as protobuf: ${error.message}`,
        { cause: error },
      );
      unrecognised.add(unknown);
      throw unknown;
    }
    throw error;
  }
}

/**
 * The errors saying bytes matched no format at all. Every other error of a reading means its
 * content was recognised (and its message says what was wrong with it), so {@link decodeBase64}
 * reports it rather than the raw reading's.
 */
const unrecognised = new WeakSet<Error>();

function acceptsProtobuf(layer: Layer): boolean {
  return layer.format === InputFormat.auto || layer.format === InputFormat.protobuf;
}

function after(layer: Layer): string {
  return layer.envelopes === '' ? '' : ` after ${layer.envelopes}`;
}

/** The layer's envelopes, then `name`, joined by `+`: a string per record, not an array and a join. */
function enveloped(layer: Layer, name: string): string {
  return layer.envelopes === '' ? name : `${layer.envelopes}+${name}`;
}
