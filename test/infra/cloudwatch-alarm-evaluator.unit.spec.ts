import { describe, expect, it } from 'vitest';
import { type AlarmRule, alarmStates, type Datapoint, evaluateRange } from './cloudwatch-alarm-evaluator.js';

/** `0` not breaching, `X` breaching, `-` missing; oldest first, as in the CloudWatch documentation's tables. */
function range(text: string): Datapoint[] {
  return text.split(' ').map((c) => (c === '-' ? undefined : c === 'X' ? 1 : 0));
}

const rule = (m: number, treat: AlarmRule['treatMissingData']): AlarmRule => ({
  statistic: 'Maximum',
  period: 300,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  evaluationPeriods: 3,
  datapointsToAlarm: m,
  treatMissingData: treat,
});

// The two example tables of "How alarm state is evaluated when data is missing" (evaluation range 5, N = 3):
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
// Columns: MISSING, BREACHING, NOT BREACHING (IGNORE is not modelled).
const threeOfThree: [string, string, string, string][] = [
  ['0 - X - X', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM'],
  ['- - X - -', 'ALARM', 'ALARM', 'OK'],
];
const twoOfThree: [string, string, string, string][] = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'ALARM', 'OK'],
  ['- - X - -', 'ALARM', 'ALARM', 'OK'],
];

describe('CloudWatch alarm evaluator (test model)', () => {
  it.each(threeOfThree)(
    '3 of 3: %s → missing %s, breaching %s, notBreaching %s',
    (data, missing, breaching, ok) => {
      expect(evaluateRange(range(data), rule(3, 'missing'))).toBe(missing);
      expect(evaluateRange(range(data), rule(3, 'breaching'))).toBe(breaching);
      expect(evaluateRange(range(data), rule(3, 'notBreaching'))).toBe(ok);
    },
  );

  it.each(twoOfThree)(
    '2 of 3: %s → missing %s, breaching %s, notBreaching %s',
    (data, missing, breaching, ok) => {
      expect(evaluateRange(range(data), rule(2, 'missing'))).toBe(missing);
      expect(evaluateRange(range(data), rule(2, 'breaching'))).toBe(breaching);
      expect(evaluateRange(range(data), rule(2, 'notBreaching'))).toBe(ok);
    },
  );

  it('does not alarm prematurely on a lone recent breach (documented: - - - - X and - - - X - with M = 3)', () => {
    expect(evaluateRange(range('- - - - X'), rule(3, 'missing'))).toBe('OK');
    expect(evaluateRange(range('- - - X -'), rule(3, 'missing'))).toBe('OK');
  });

  it('aggregates samples per period with the statistic before evaluating', () => {
    const sumRule: AlarmRule = { ...rule(1, 'notBreaching'), statistic: 'Sum', period: 60, threshold: 2 };
    const samples = [
      { at: 5, value: 1 },
      { at: 50, value: 1 },
      { at: 70, value: 1 },
      { at: 80, value: 1 },
      { at: 90, value: 1 },
    ];
    // Minute 0 sums to 2 (not above 2), minute 1 to 3.
    expect(alarmStates(samples, { ...sumRule, evaluationPeriods: 1 }, 180)).toEqual(['OK', 'ALARM', 'ALARM']);
  });

  it('refuses what it does not model', () => {
    expect(() => evaluateRange([1], rule(1, 'ignore'))).toThrow(/not modelled/);
  });
});
