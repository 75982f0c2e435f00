/**
 * A small model of how CloudWatch evaluates a metric alarm, for tests: raw samples → one datapoint per period
 * (the alarm's statistic) → the alarm state after each period. It follows the documented rules and reproduces the
 * documented example tables (cloudwatch-alarm-evaluator.unit.spec.ts):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data
 *
 * Not modelled: `ignore` (keeps the previous state), high-resolution periods, metric math, anomaly detection.
 */

/** One datapoint per period; `undefined` is a period without data. */
export type Datapoint = number | undefined;

/** The parts of a MetricAlarm that decide its state. */
export interface AlarmRule {
  readonly statistic: 'Sum' | 'Maximum' | 'Minimum' | 'Average' | 'SampleCount';
  readonly period: number;
  readonly threshold: number;
  readonly comparisonOperator:
    | 'GreaterThanThreshold'
    | 'GreaterThanOrEqualToThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  readonly evaluationPeriods: number;
  /** Defaults to `evaluationPeriods`, as in PutMetricAlarm. */
  readonly datapointsToAlarm?: number | undefined;
  /** Defaults to `missing`, as in PutMetricAlarm. */
  readonly treatMissingData?: 'notBreaching' | 'breaching' | 'missing' | 'ignore' | undefined;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** A raw sample as a service publishes it: when (seconds from the start) and the value. */
export interface Sample {
  readonly at: number;
  readonly value: number;
}

function breaches(value: number, rule: AlarmRule): boolean {
  switch (rule.comparisonOperator) {
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
    default:
      throw new Error(`unknown comparison ${String(rule.comparisonOperator)}`);
  }
}

/**
 * The state an alarm sets from the datapoints of its evaluation range (oldest first, most recent last). The range
 * is longer than N so that missing datapoints can be replaced by older real ones; the documented examples use N + 2.
 */
export function evaluateRange(range: readonly Datapoint[], rule: AlarmRule): AlarmState {
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm ?? n;
  const treat = rule.treatMissingData ?? 'missing';
  if (treat === 'ignore')
    throw new Error('treatMissingData "ignore" (keep the previous state) is not modelled');
  const real = range.filter((d): d is number => d !== undefined);
  if (real.length === 0) {
    if (treat === 'breaching') return 'ALARM';
    if (treat === 'notBreaching') return 'OK';
    return 'INSUFFICIENT_DATA';
  }
  // Enough real datapoints: the most recent N real ones decide, missing data plays no part.
  if (real.length >= n) {
    return real.slice(-n).filter((v) => breaches(v, rule)).length >= m ? 'ALARM' : 'OK';
  }
  // Premature-alarm rule: fewer real datapoints than M, the oldest breaching one in the last N is at least M
  // periods old and every more recent one is breaching or missing → ALARM (unless missing counts as good).
  if (treat !== 'notBreaching' && real.length < m) {
    const lastN = range.slice(-n);
    const oldest = lastN.findIndex((d) => d !== undefined && breaches(d, rule));
    const age = oldest === -1 ? 0 : lastN.length - oldest;
    const newerOk = lastN.slice(oldest + 1).every((d) => d === undefined || breaches(d, rule));
    if (oldest !== -1 && age >= m && newerOk) return 'ALARM';
  }
  // Fill only as many missing datapoints as needed to have N, as the missing-data setting says.
  const filled = n - real.length;
  const breaching = real.filter((v) => breaches(v, rule)).length + (treat === 'breaching' ? filled : 0);
  return breaching >= m ? 'ALARM' : 'OK';
}

/** Aggregates raw samples into one datapoint per period over `[0, periods × period)`. */
export function datapoints(samples: readonly Sample[], rule: AlarmRule, periods: number): Datapoint[] {
  const buckets: number[][] = Array.from({ length: periods }, () => []);
  for (const sample of samples) {
    const index = Math.floor(sample.at / rule.period);
    if (index >= 0 && index < periods) buckets[index]?.push(sample.value);
  }
  return buckets.map((values) => {
    if (values.length === 0) return undefined;
    switch (rule.statistic) {
      case 'Sum':
        return values.reduce((a, b) => a + b, 0);
      case 'Maximum':
        return Math.max(...values);
      case 'Minimum':
        return Math.min(...values);
      case 'Average':
        return values.reduce((a, b) => a + b, 0) / values.length;
      case 'SampleCount':
        return values.length;
      default:
        throw new Error(`unknown statistic ${String(rule.statistic)}`);
    }
  });
}

/** The alarm's state after each complete period of `[0, durationSeconds)`. */
export function alarmStates(
  samples: readonly Sample[],
  rule: AlarmRule,
  durationSeconds: number,
  evaluationRange = rule.evaluationPeriods + 2,
): AlarmState[] {
  const points = datapoints(samples, rule, Math.floor(durationSeconds / rule.period));
  return points.map((_, i) => evaluateRange(points.slice(Math.max(0, i + 1 - evaluationRange), i + 1), rule));
}
