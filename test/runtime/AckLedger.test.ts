import { describe, expect, it } from 'vitest';
import { AckLedger } from '../../src/runtime/AckLedger.ts';
import { sourceRecords } from '../helpers/sourceRecords.ts';

const records = sourceRecords;

describe('AckLedger', () => {
  it('makes a record durable only when every group holding its data resolved', () => {
    const [r] = records([undefined]);
    const ledger = new AckLedger([r!]);
    ledger.expectGroups(r!, 2);
    ledger.groupDurable(r!);
    expect(ledger.outcome(r!)).toBe('pending');
    ledger.groupDurable(r!);
    expect(ledger.outcome(r!)).toBe('durable');
  });

  it('keeps a failure final even if another group of the record succeeds later', () => {
    const [r] = records([undefined]);
    const ledger = new AckLedger([r!]);
    ledger.expectGroups(r!, 2);
    ledger.fail(r!, 'x');
    ledger.groupDurable(r!);
    ledger.groupDurable(r!);
    expect(ledger.notAcked()).toEqual([r]);
  });

  it('fails every later record of an order key after the first one not acked, leaving other keys alone', () => {
    const all = records(['a', 'a', 'b', 'a', undefined]);
    const ledger = new AckLedger(all);
    for (const r of all) ledger.expectGroups(r, 0);
    const fresh = new AckLedger(all);
    fresh.expectGroups(all[0]!, 0);
    fresh.fail(all[1]!, 'x');
    for (const r of all.slice(2)) fresh.expectGroups(r, 0);
    expect(ledger.notAcked()).toEqual([]);
    expect(fresh.notAcked().map((r) => r.id)).toEqual(['r1', 'r3']);
  });

  it('counts a pending record as not acked at answer time', () => {
    const all = records(['s', 's']);
    const ledger = new AckLedger(all);
    ledger.expectGroups(all[1]!, 0);
    expect(ledger.notAcked().map((r) => r.id)).toEqual(['r0', 'r1']);
  });
});
