/**
 * The tracing bench suite measures the three modes side by side, over batches it checks were fully applied and, at
 * sampling 1, fully traced (a span per aggregate plus the batch span, a link per record).
 */
import { describe, expect, it } from 'vitest';
import { runTracingBench } from '../../bench/suites/tracing.js';

describe('the tracing bench suite', () => {
  it('reports ns per event with tracing off, on at sampling 0 and on at sampling 1, with the overhead ratio', async () => {
    const results = await runTracingBench({ aggregates: 20, eventsPerAggregate: 5, rounds: 2 });
    expect(results.map((r) => r.name)).toEqual([
      '(t) tracing off, 100 records / 20 aggregates',
      '(t) tracing on, sampling 0, unsampled events, 100 records / 20 aggregates',
      '(t) tracing on, sampling 1, 100 records / 20 aggregates',
    ]);
    const [off, unsampled, sampled] = results;
    for (const result of results) {
      expect(result.unit).toBe('ns/event');
      expect(result.value).toBeGreaterThan(0);
    }
    for (const on of [unsampled, sampled]) {
      expect(on?.baseline).toEqual({ name: 'tracing off', value: off?.value });
      expect(on?.ratio).toBeGreaterThan(0);
    }
  });
});
