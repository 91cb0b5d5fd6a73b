import { afterEach, describe, expect, it } from 'vitest';
import { FlushError, FlusherStoppedError } from '../../src/errors.ts';
import type { Flusher } from '../../src/flusher/Flusher.ts';
import { fakeContext } from '../helpers/fakeContext.ts';
import { aLogGroup } from '../helpers/logGroups.ts';

/** What a flusher's test file hands to the contract kit. */
export interface ContractSubject {
  readonly flusher: Flusher;
  /** How many logs the destination holds now (read back from the destination itself). */
  readonly storedLogs: () => Promise<number>;
  readonly cleanup?: () => Promise<void>;
}

/**
 * The Flusher contract every implementation must pass: lifecycle order, flush-after-stop,
 * isReady after setUrgent, idempotent stop, typed errors, abort honoured.
 */
export function describeFlusherContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`${name} honours the Flusher contract`, () => {
    const subjects: ContractSubject[] = [];
    const subject = async () => {
      const s = await make();
      subjects.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of subjects.splice(0)) {
        await s.flusher.stop();
        await s.cleanup?.();
      }
    });

    it('describes itself in one non-empty line', async () => {
      const { flusher } = await subject();
      expect(flusher.description()).toMatch(/^[^\n]+$/);
    });

    it('rejects flush before init with a FlushError', async () => {
      const { flusher } = await subject();
      await expect(flusher.flush('p', 's', 'c', [aLogGroup()])).rejects.toBeInstanceOf(FlushError);
    });

    it('is ready after init and stores every log once flush resolves', async () => {
      const { flusher, storedLogs } = await subject();
      await flusher.init(fakeContext());
      expect(flusher.isReady('p', 's', '')).toBe(true);
      await flusher.flush('p', 's', 'c', [aLogGroup([{ a: '1' }, { a: '2' }]), aLogGroup([{ b: '3' }])], {
        recordIds: ['r1', 'r2'],
      });
      expect(await storedLogs()).toBe(3);
    });

    it('accepts an empty flush', async () => {
      const { flusher, storedLogs } = await subject();
      await flusher.init(fakeContext());
      await flusher.flush('p', 's', 'c', []);
      expect(await storedLogs()).toBe(0);
    });

    it('stays ready and keeps accepting data after setUrgent(false) and setUrgent(true)', async () => {
      const { flusher, storedLogs } = await subject();
      await flusher.init(fakeContext());
      flusher.setUrgent(false);
      expect(flusher.isReady('p', 's', '')).toBe(true);
      await flusher.flush('p', 's', 'c', [aLogGroup()], { recordIds: ['u1'] });
      flusher.setUrgent(true);
      expect(flusher.isReady('p', 's', '')).toBe(true);
      await flusher.flush('p', 's', 'c', [aLogGroup()], { recordIds: ['u2'] });
      expect(await storedLogs()).toBe(2);
    });

    it('rejects flush after stop with a retryable FlusherStoppedError', async () => {
      const { flusher } = await subject();
      await flusher.init(fakeContext());
      await flusher.stop();
      const error = await flusher.flush('p', 's', 'c', [aLogGroup()]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlusherStoppedError);
      expect((error as FlushError).retryable).toBe(true);
    });

    it('stops idempotently, including without init', async () => {
      const { flusher } = await subject();
      await expect(flusher.stop()).resolves.toBeUndefined();
      await expect(flusher.stop({ timeoutMs: 10 })).resolves.toBeUndefined();
      await expect(flusher.init(fakeContext())).rejects.toBeInstanceOf(FlushError);
    });

    it('rejects a flush whose signal is already aborted with a retryable FlushError, storing nothing', async () => {
      const { flusher, storedLogs } = await subject();
      await flusher.init(fakeContext());
      const error = await flusher
        .flush('p', 's', 'c', [aLogGroup()], { signal: AbortSignal.abort() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlushError);
      expect((error as FlushError).retryable).toBe(true);
      expect(await storedLogs()).toBe(0);
    });

    it('lets an in-flight flush finish when stop is given time', async () => {
      const { flusher, storedLogs } = await subject();
      await flusher.init(fakeContext());
      const flushing = flusher.flush('p', 's', 'c', [aLogGroup()], { recordIds: ['s1'] });
      await flusher.stop({ timeoutMs: 5_000 });
      await expect(flushing).resolves.toBeUndefined();
      expect(await storedLogs()).toBe(1);
    });
  });
}
