/**
 * Lambda entry of the scheduled stalled check: the factory (in `stalled-check-entry.ts`, which the local
 * stack imports) applied to `process.env`, the only place a Lambda reads its environment.
 */
import { createStalledCheckEntry } from './stalled-check-entry.js';

export { createStalledCheckEntry, type StalledCheckEntryOptions } from './stalled-check-entry.js';

/** The deployed Lambda handler, run on a schedule. */
export const handler = createStalledCheckEntry(process.env);
