/**
 * One measured figure of a benchmark suite, as `npm run bench` prints and stores it.
 *
 * @example
 * ```ts
 * const result: BenchResult = {
 *   suite: 'engine',
 *   name: 'decode + validate + order + fold',
 *   value: 182_000,
 *   unit: 'events/s',
 *   target: '>= 100000',
 * };
 * ```
 */
export interface BenchResult {
  /** The suite that produced it, e.g. `engine`. */
  suite: string;
  /** What was measured, e.g. `wall time, 1,000 records / 100 aggregates`. */
  name: string;
  value: number;
  /** Unit of `value` and of `baseline.value`, e.g. `ms`, `events/s`, `requests/event`. */
  unit: string;
  /** The same measure taken on the baseline in the same run. */
  baseline?: { name: string; value: number };
  /** How many times better than the baseline (the suite decides the direction: `> 1` means better). */
  ratio?: number;
  /**
   * The target, as `<comparator> <number>[x]`: `>= 100000` compares `value`, `>= 5x` compares `ratio`.
   * Comparators: `>=`, `<=`, `>`, `<`, `≥`, `≤`. Anything else is printed but not evaluated.
   */
  target?: string;
  /** A short remark printed after the table (why a target is missed, what a figure includes). */
  note?: string;
}
