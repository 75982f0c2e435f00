import type { LagSummary } from './lag.js';
import { lagIsGrowing } from './lag.js';

/** Inputs of {@link judgeStep}. */
export interface StepFigures {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly verified: boolean;
  readonly lag: LagSummary | undefined;
  /** Seconds from the end of sending until every accepted event was applied; undefined = never. */
  readonly appliedDrainSeconds: number | undefined;
  readonly stepSeconds: number;
}

/**
 * Whether a step's rate was sustained (pure): verified, ≥ 90% of the target achieved, lag not growing
 * across the step (late median ≤ 2 × early median + 250 ms), and the backlog applied within
 * max(2 s, 20% of the step) after sending stopped.
 */
export function judgeStep(figures: StepFigures): { sustained: boolean; reason: string } {
  if (!figures.verified) return { sustained: false, reason: 'verification failed' };
  if (figures.achievedRate < 0.9 * figures.targetRate)
    return {
      sustained: false,
      reason: `achieved ${Math.round((100 * figures.achievedRate) / figures.targetRate)}% of the target`,
    };
  if (figures.lag !== undefined && lagIsGrowing(figures.lag))
    return {
      sustained: false,
      reason: `lag grows (${Math.round(figures.lag.earlyP50)} → ${Math.round(figures.lag.lateP50)} ms p50)`,
    };
  const allowed = Math.max(2, 0.2 * figures.stepSeconds);
  if (figures.appliedDrainSeconds === undefined || figures.appliedDrainSeconds > allowed)
    return {
      sustained: false,
      reason: `backlog: applied ${figures.appliedDrainSeconds === undefined ? 'never' : `${figures.appliedDrainSeconds.toFixed(1)} s`} after sending (allowed ${allowed.toFixed(0)} s)`,
    };
  return { sustained: true, reason: 'ok' };
}

/** The rates a search tries: start, start × factor, … up to maxRate (pure, at most `maxSteps`). */
export function stepRates(start: number, factor: number, maxRate: number, maxSteps = 15): number[] {
  const rates: number[] = [];
  for (let rate = start; rate <= maxRate && rates.length < maxSteps; rate = Math.round(rate * factor))
    rates.push(rate);
  return rates;
}

/** Aggregates for a step so every event stays in the projections' 64-sequence window (lag measured for all). */
export function stepAggregates(requested: number, rate: number, seconds: number): number {
  return Math.max(requested, Math.ceil((rate * seconds) / 48));
}

/**
 * Connections for a step: enough that each carries ≤ 2 requests/s (so a request may take up to 500 ms
 * before the closed-loop client, rather than the pipeline, limits the rate), never more than aggregates.
 */
export function stepConnections(requested: number, requestRate: number, aggregates: number): number {
  return Math.min(aggregates, Math.max(requested, Math.ceil(requestRate / 2)));
}
