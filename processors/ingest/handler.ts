/**
 * Lambda entry of `POST /events` (API Gateway HTTP API, payload v2): the factory (in `entry.ts`, which the
 * local stack imports) applied to `process.env`, the only place a Lambda reads its environment.
 */
import { createIngestEntry } from './entry.js';
import type { IngestHandler } from './ingest-handler.js';

export { createIngestEntry, type IngestEntryOptions } from './entry.js';

/** The deployed Lambda handler of `POST /events`. */
export const handler: IngestHandler = createIngestEntry(process.env);
