/**
 * Lambda entry of the bus bridge's Pipe enrichment (see `enrichment.ts`).
 *
 * Environment: `EVENT_SOURCE_PREFIX` (required; events carry `source = <prefix>.<aggregateType>`). It calls
 * no AWS API: its role may only write its own logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { loadBusBridgeConfig } from './config.js';
import { createBridgeEnrichment } from './enrichment.js';

const config = loadBusBridgeConfig(process.env);

/** The Lambda handler the Pipe invokes (synchronously) with each batch. */
export const handler = createBridgeEnrichment({
  sourcePrefix: config.sourcePrefix,
  logger: new Logger({ serviceName: 'bus-bridge' }),
});
