import { describe, expect, it } from 'vitest';
import { judgeStep, stepAggregates, stepRates } from '../../load/find-max.js';
import type { LagSummary } from '../../load/lag.js';
import { distribution } from '../../load/percentiles.js';

const lag = (early: number, late: number): LagSummary => ({
  distribution: distribution([early, late]),
  coverage: 1,
  histogram: [],
  earlyP50: early,
  lateP50: late,
});

const good = {
  targetRate: 1000,
  achievedRate: 990,
  verified: true,
  lag: lag(100, 120),
  appliedDrainSeconds: 0.5,
  stepSeconds: 10,
};

describe('judgeStep', () => {
  it('sustains a verified step at the target with flat lag and no backlog', () => {
    expect(judgeStep(good)).toEqual({ sustained: true, reason: 'ok' });
  });

  it.each([
    [{ verified: false }, /verification failed/],
    [{ achievedRate: 700 }, /achieved 70% of the target/],
    [{ lag: lag(100, 900) }, /lag grows \(100 → 900 ms p50\)/],
    [{ appliedDrainSeconds: 6 }, /backlog/],
    [{ appliedDrainSeconds: undefined }, /backlog: applied never/],
  ])('is the knee when %j', (change, reason) => {
    const judged = judgeStep({ ...good, ...change });
    expect(judged.sustained).toBe(false);
    expect(judged.reason).toMatch(reason);
  });
});

describe('step search', () => {
  it('multiplies the rate up to the maximum', () => {
    expect(stepRates(200, 2, 1800)).toEqual([200, 400, 800, 1600]);
  });

  it('gives every event of a step a place in the 64-sequence window', () => {
    expect(stepAggregates(100, 2000, 10)).toBe(417);
    expect(stepAggregates(1000, 200, 10)).toBe(1000);
  });
});
