/** The event sources whose partial batch responses a test predicts. */
export type ResponseSource = 'sqs' | 'sqs-fifo' | 'kinesis';

/**
 * The ids a correct partial batch response reports (README "Processing guarantees"), given which
 * records are not durable: SQS every such record; FIFO also every later message of a group after
 * its first one not durable; Kinesis only the first record not durable (Lambda resumes there).
 *
 * @example
 * ```ts
 * expectedFailures('sqs-fifo', batch, (r) => !stored.has(r.id), (r) => r.group); // ['m2', 'm3']
 * ```
 */
export function expectedFailures<T extends { readonly id: string }>(
  source: ResponseSource,
  batch: readonly T[],
  notDurable: (record: T) => boolean,
  orderKey: (record: T) => string | undefined,
): string[] {
  if (source === 'kinesis') {
    const first = batch.find(notDurable);
    return first === undefined ? [] : [first.id];
  }
  const blocked = new Set<string>();
  const ids: string[] = [];
  for (const record of batch) {
    const key = source === 'sqs-fifo' ? orderKey(record) : undefined;
    if ((key !== undefined && blocked.has(key)) || notDurable(record)) {
      ids.push(record.id);
      if (key !== undefined) blocked.add(key);
    }
  }
  return ids;
}
