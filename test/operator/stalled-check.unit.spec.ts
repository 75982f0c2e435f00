import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { createStalledCheck } from '../../processors/operator/index.js';
import { DynamoDbAggregateStore, InMemoryAggregateStore } from '../../processors/store/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { envelopeRecord, kinesisEvent } from '../support/kinesis-events.js';
import { MemoryQuarantine } from '../support/memory-quarantine.js';
import { orderHistory } from '../support/order-events.js';

describe('scheduled stalled check', () => {
  it('reports an aggregate whose gap aged past the limit although no batch touches it any more', async () => {
    const store = new InMemoryAggregateStore();
    const t0 = new Date('2026-11-23T08:00:00Z');
    const old = orderHistory('forgotten', 4);
    const fresh = orderHistory('recent', 4);
    const deps = {
      registry: new AggregateRegistry([orderAggregate]),
      store,
      quarantine: new MemoryQuarantine(),
      engine: resolveEngineOptions(),
      processorVersion: 'test',
      writeConcurrency: 2,
      maxWriteAttempts: 2,
    };
    await processKinesisBatch(kinesisEvent([old[0], old[2]].map((e) => envelopeRecord(e as Envelope))), {
      ...deps,
      now: () => t0,
    });
    const later = new Date(t0.getTime() + 2 * 3600_000);
    await processKinesisBatch(kinesisEvent([fresh[0], fresh[3]].map((e) => envelopeRecord(e as Envelope))), {
      ...deps,
      now: () => later,
    });

    const logger = new Logger({ logLevel: 'SILENT' });
    const warn = vi.spyOn(logger, 'warn');
    const metrics = new Metrics({ namespace: 'test', serviceName: 'stream-processor' });
    const serialize = vi.spyOn(metrics, 'serializeMetrics');
    const check = createStalledCheck({ store, maxGapAgeMs: 3600_000, logger, metrics, now: () => later });
    const { stalled } = await check();
    const emf = serialize.mock.results[0]?.value as { Stalled?: number };

    expect(stalled.map((g) => [g.aggregateId, g.missingFrom, g.missingTo])).toEqual([['forgotten', 2, 2]]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/stalled/),
      expect.objectContaining({ aggregate: stalled[0] }),
    );
    expect(emf.Stalled).toBe(1);
  });

  it('skips a run, without failing, while DynamoDB still builds the gap index of a populated table', async () => {
    // What DynamoDB answers a Scan of a global secondary index that is backfilling.
    const backfilling = Object.assign(
      new Error('Cannot read from backfilling global secondary index: gaps'),
      { name: 'ValidationException' },
    );
    const client = { send: vi.fn(async () => Promise.reject(backfilling)) };
    const store = new DynamoDbAggregateStore({ client: client as never, tableName: 'aggregates' });
    const logger = new Logger({ logLevel: 'SILENT' });
    const warn = vi.spyOn(logger, 'warn');
    const metrics = new Metrics({ namespace: 'test', serviceName: 'stream-processor' });
    const check = createStalledCheck({ store, maxGapAgeMs: 3600_000, logger, metrics });
    await expect(check()).resolves.toEqual({ stalled: [], skipped: 'gap index not ready' });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/still being built/), expect.any(Object));
    // Any other store failure still fails the run (and its Errors alarm).
    client.send.mockRejectedValue(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    await expect(check()).rejects.toThrow('boom');
  });
});
