/**
 * A failed quarantine write (wrong bucket, missing permission) is logged with its cause and counted in the
 * `QuarantineWriteFailures` metric that the `quarantine-write-failures` alarm watches (pulumi/alarm-specs.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import { InMemoryAggregateStore } from '../../processors/store/index.js';
import { createStreamProcessorHandler } from '../../processors/stream-processor/index.js';
import { kinesisEvent, kinesisRecord } from '../support/kinesis-events.js';
import { MemoryQuarantine } from '../support/memory-quarantine.js';

function fakeObservability() {
  const logger = {
    info: vi.fn(),
    warn: vi.fn(),
    error: vi.fn(),
    addContext: vi.fn(),
    appendKeys: vi.fn(),
    removeKeys: vi.fn(),
  };
  const metrics = { addMetric: vi.fn(), publishStoredMetrics: vi.fn() };
  return { logger, metrics };
}

describe('a failed quarantine write', () => {
  it('is logged with its cause and counted in QuarantineWriteFailures; the record is reported for redelivery', async () => {
    const quarantine = new MemoryQuarantine();
    quarantine.failNext = 1;
    const { logger, metrics } = fakeObservability();
    const handler = createStreamProcessorHandler(
      {
        registry: new AggregateRegistry([orderAggregate]),
        store: new InMemoryAggregateStore(),
        quarantine,
        engine: resolveEngineOptions(),
        processorVersion: 'test',
        writeConcurrency: 4,
        maxWriteAttempts: 3,
      },
      { logger: logger as unknown as Logger, metrics: metrics as unknown as Metrics },
    );
    const poison = kinesisRecord(Buffer.from('not json').toString('base64'), 'p');
    const response = await handler(kinesisEvent([poison]));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.kinesis.sequenceNumber }]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/quarantine write failed/),
      expect.objectContaining({
        record: expect.objectContaining({
          sequenceNumber: poison.kinesis.sequenceNumber,
          reason: 'not-json',
        }),
        error: expect.objectContaining({ message: 'injected: quarantine unavailable' }),
      }),
    );
    expect(metrics.addMetric).toHaveBeenCalledWith('QuarantineWriteFailures', 'Count', 1);
  });
});
