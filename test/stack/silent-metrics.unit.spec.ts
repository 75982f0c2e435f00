import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { SilentMetrics } from '../../local/stack/silent-metrics.js';

describe('Class: SilentMetrics', () => {
  it('publishes nothing, from itself or from a single-metric logger (the ingest rejection count)', () => {
    const written = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const metrics = new SilentMetrics({ namespace: 'OrderedEventPipeline/local', serviceName: 'ingest' });
      metrics.addMetric('Accepted', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      const single = metrics.singleMetric();
      single.addDimension('reason', 'too-many-envelopes');
      single.addMetric('Rejected', MetricUnit.Count, 1);
      single.publishStoredMetrics();
      expect(single).toBeInstanceOf(SilentMetrics);
      expect(written.mock.calls.filter(([chunk]) => String(chunk).includes('CloudWatchMetrics'))).toEqual([]);
    } finally {
      written.mockRestore();
    }
  });
});
