import { createHash } from 'node:crypto';

const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2];

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
}

function field(number: number, body: Uint8Array | number[]): number[] {
  return [(number << 3) | 2, ...varint(body.length), ...body];
}

/** A KPL aggregated record (magic, AggregatedRecord protobuf, MD5 trailer) holding `payloads`. */
export function kplAggregate(payloads: Uint8Array[], partitionKey = 'pk'): Uint8Array {
  const body: number[] = [...field(1, [...Buffer.from(partitionKey)])];
  for (const data of payloads) body.push(...field(3, [0x08, 0x00, ...field(3, [...data])]));
  const md5 = createHash('md5').update(Uint8Array.from(body)).digest();
  return Uint8Array.from([...KPL_MAGIC, ...body, ...md5]);
}
