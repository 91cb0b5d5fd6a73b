/** A tiny protobuf writer for hand-made payloads (KPL aggregates, odd or malformed messages). */

export function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);

export const varintField = (field: number, value: number | bigint): number[] => [
  ...tag(field, 0),
  ...varint(value),
];

export const bytesField = (field: number, body: ArrayLike<number>): number[] => [
  ...tag(field, 2),
  ...varint(body.length),
  ...Array.from(body),
];

export const stringField = (field: number, text: string): number[] =>
  bytesField(field, Buffer.from(text, 'utf8'));
