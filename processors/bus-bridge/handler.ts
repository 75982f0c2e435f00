/**
 * Lambda entry of the bus bridge's Pipe enrichment (see `enrichment.ts`): the factory (in `entry.ts`, which
 * the local stack imports) applied to `process.env`, the only place a Lambda reads its environment.
 */
import { createBusBridgeEntry } from './entry.js';

export { type BusBridgeEntryOptions, createBusBridgeEntry } from './entry.js';

/** The Lambda handler the Pipe invokes (synchronously) with each batch. */
export const handler = createBusBridgeEntry(process.env);
