/**
 * Lambda entry of the bus bridge's Pipe enrichment (see `enrichment.ts`). The factory takes the environment
 * (contract: config.ts); `handler` (in the handler module) applies it to `process.env`. It calls no AWS API:
 * its role may only write its own logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EnvironmentInput } from '../lambda-config/index.js';
import { loadBusBridgeConfig } from './config.js';
import { type BridgeEnrichment, createBridgeEnrichment } from './enrichment.js';

/** What the caller may hand the entry instead of the defaults. */
export interface BusBridgeEntryOptions {
  readonly logger?: Logger;
}

/**
 * Builds the enrichment the Pipe invokes from its environment (checked once, at cold start).
 * @throws LambdaConfigError naming each bad variable.
 */
export function createBusBridgeEntry(
  environment: EnvironmentInput,
  options: BusBridgeEntryOptions = {},
): BridgeEnrichment {
  return createBridgeEnrichment({
    sourcePrefix: loadBusBridgeConfig(environment).sourcePrefix,
    logger: options.logger ?? new Logger({ serviceName: 'bus-bridge' }),
  });
}
