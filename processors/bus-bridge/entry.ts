/**
 * Lambda entry of the bus bridge's Pipe enrichment (see `enrichment.ts`). The factory takes the environment
 * (contract: config.ts); `handler` (in the handler module) applies it to `process.env`. It calls no AWS API:
 * its role may only write its own logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EnvironmentInput } from '../lambda-config/index.js';
import { lambdaTracing } from '../tracing/lambda-tracing.js';
import type { Tracing } from '../tracing/tracing.js';
import { loadBusBridgeConfig } from './config.js';
import { type BridgeEnrichment, createBridgeEnrichment } from './enrichment.js';

/** What the caller may hand the entry instead of the defaults. */
export interface BusBridgeEntryOptions {
  readonly logger?: Logger;
  /**
   * `publish <bus>` spans (docs/tracing.md), flushed before the handler returns.
   * @default `lambdaTracing(config.tracing, 'bus-bridge')`, built from `TRACING`
   */
  readonly tracing?: Tracing;
}

/**
 * Builds the enrichment the Pipe invokes from its environment (checked once, at cold start).
 * @throws LambdaConfigError naming each bad variable.
 */
export function createBusBridgeEntry(
  environment: EnvironmentInput,
  options: BusBridgeEntryOptions = {},
): BridgeEnrichment {
  const config = loadBusBridgeConfig(environment);
  const logger = options.logger ?? new Logger({ serviceName: 'bus-bridge' });
  const tracing = options.tracing ?? lambdaTracing(config.tracing, 'bus-bridge');
  const enrich = createBridgeEnrichment({
    sourcePrefix: config.sourcePrefix,
    busName: config.busName,
    logger,
    tracing,
  });
  if (!tracing.enabled) return enrich;
  return async (records) => {
    try {
      return await enrich(records);
    } finally {
      // Lambda freezes the environment once the handler returns, so spans not exported now may never be
      // (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
      await tracing
        .flush()
        .catch((error: unknown) => logger.warn('exporting the publish spans failed', { error }));
    }
  };
}
