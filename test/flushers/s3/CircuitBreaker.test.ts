import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/flushers/s3/CircuitBreaker.ts';

function breaker(failureThreshold = 3) {
  const clock = { now: 1_000 };
  return { clock, breaker: new CircuitBreaker({ failureThreshold, cooldownMs: 500, now: () => clock.now }) };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, not before', () => {
    const { breaker: b } = breaker();
    expect(b.recordFailure()).toBe(false);
    expect(b.recordFailure()).toBe(false);
    expect(b.allows()).toBe(true);
    expect(b.recordFailure()).toBe(true);
    expect([b.state, b.allows()]).toEqual(['open', false]);
  });

  it('resets the count on success', () => {
    const { breaker: b } = breaker();
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    b.recordFailure();
    expect(b.state).toBe('closed');
  });

  it('goes half-open after the cooldown; success closes it, failure reopens it for another cooldown', () => {
    const { breaker: b, clock } = breaker(1);
    b.recordFailure();
    clock.now += 499;
    expect(b.state).toBe('open');
    clock.now += 1;
    expect([b.state, b.allows()]).toEqual(['half-open', true]);
    expect(b.recordFailure()).toBe(true);
    expect(b.state).toBe('open');
    clock.now += 500;
    b.recordSuccess();
    expect(b.state).toBe('closed');
  });

  it('does not extend an open period with failures of work that started before it opened', () => {
    const { breaker: b, clock } = breaker(1);
    b.recordFailure();
    clock.now += 400;
    expect(b.recordFailure()).toBe(false);
    clock.now += 100;
    expect(b.state).toBe('half-open');
  });

  it('never opens with a threshold of 0', () => {
    const { breaker: b } = breaker(0);
    for (let i = 0; i < 100; i++) b.recordFailure();
    expect(b.allows()).toBe(true);
  });
});
