import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signalAfterGrace } from '../../src/shared/signalAfterGrace.ts';

describe('signalAfterGrace', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never fires while the signal it follows has not', () => {
    const deadline = new AbortController();
    const { signal } = signalAfterGrace(deadline.signal, 5_000);
    vi.advanceTimersByTime(60_000);
    expect(signal.aborted).toBe(false);
  });

  it('fires the grace period after the signal it follows, with its reason', () => {
    const deadline = new AbortController();
    const { signal } = signalAfterGrace(deadline.signal, 5_000);
    vi.advanceTimersByTime(1_000);
    deadline.abort(new Error('deadline'));
    vi.advanceTimersByTime(4_999);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toEqual(new Error('deadline'));
  });

  it('is already aborted when the signal it follows is', () => {
    const deadline = new AbortController();
    deadline.abort();
    expect(signalAfterGrace(deadline.signal, 5_000).signal.aborted).toBe(true);
  });

  it('never fires once released', () => {
    const deadline = new AbortController();
    const { signal, release } = signalAfterGrace(deadline.signal, 5_000);
    deadline.abort();
    release();
    vi.advanceTimersByTime(10_000);
    expect(signal.aborted).toBe(false);
  });
});
