import { createHash } from 'node:crypto';
import { bytesField, stringField, varintField } from './protoWriter.ts';

/** One user record to put into a KPL aggregate. */
export interface KplUserRecord {
  data: Uint8Array;
  partitionKey?: string;
  explicitHashKey?: string;
  tags?: Array<{ key: string; value?: string }>;
}

const MAGIC = [0xf3, 0x89, 0x9a, 0xc2];

/**
 * Build a KPL aggregated record the way the KPL does: key tables first (each distinct key once),
 * then the records, framed by the magic number and the MD5 of the protobuf message.
 */
export function aggregateKpl(records: readonly KplUserRecord[]): Uint8Array {
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const indexOf = (table: string[], key: string): number => {
    const found = table.indexOf(key);
    return found >= 0 ? found : table.push(key) - 1;
  };
  const recordBodies = records.map((record) => {
    const body = [...varintField(1, indexOf(partitionKeys, record.partitionKey ?? 'pk'))];
    if (record.explicitHashKey !== undefined)
      body.push(...varintField(2, indexOf(hashKeys, record.explicitHashKey)));
    body.push(...bytesField(3, record.data));
    for (const tag of record.tags ?? []) {
      const tagBody = [
        ...stringField(1, tag.key),
        ...(tag.value === undefined ? [] : stringField(2, tag.value)),
      ];
      body.push(...bytesField(4, tagBody));
    }
    return body;
  });
  const message = [
    ...partitionKeys.flatMap((key) => stringField(1, key)),
    ...hashKeys.flatMap((key) => stringField(2, key)),
    ...recordBodies.flatMap((body) => bytesField(3, body)),
  ];
  return frameKpl(message);
}

/** Frame a hand-made `AggregatedRecord` body: magic, body, MD5 of the body. */
export function frameKpl(message: ArrayLike<number>): Uint8Array {
  const body = Buffer.from(Array.from(message));
  return Buffer.concat([Buffer.from(MAGIC), body, createHash('md5').update(body).digest()]);
}
