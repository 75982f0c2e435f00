/**
 * Lambda entry of the stream processor (Kinesis event source mapping with ReportBatchItemFailures): the
 * factory (in `entry.ts`, which the local stack imports) applied to `process.env`, the only place a Lambda
 * reads its environment.
 */
import { createStreamProcessorEntry } from './entry.js';

export { createStreamProcessorEntry, type StreamProcessorEntryOptions } from './entry.js';

/** The deployed Lambda handler. */
export const handler = createStreamProcessorEntry(process.env);
