import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Envelope } from '../../processors/envelope/index.js';

/** A valid `order` envelope: `OrderPlaced` for sequence 1, `ItemAdded` after. */
export function orderEnvelope(
  aggregateId: string,
  sequence: number,
  overrides: Partial<Envelope> = {},
): Envelope {
  return {
    eventId: randomUUID(),
    aggregateType: 'order',
    aggregateId,
    sequence,
    type: sequence === 1 ? 'OrderPlaced' : 'ItemAdded',
    schemaVersion: 1,
    occurredAt: '2026-01-01T00:00:00.000Z',
    data:
      sequence === 1
        ? { customerId: 'c-1', currency: 'EUR' }
        : { sku: `sku-${sequence}`, quantity: 1, unitPrice: 9.5 },
    ...overrides,
  };
}

/** A silent Powertools logger and a Powertools Metrics instance that publishes nothing, for tests. */
export function quietTelemetry(): { logger: Logger; metrics: Metrics } {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return {
    logger: new Logger({ serviceName: 'ingest-test', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'test', serviceName: 'ingest-test' }),
  };
}
