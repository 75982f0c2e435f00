/**
 * Errors the replay Lambda of distributed backfills throws to fail its item batch. Step Functions takes a Lambda
 * error's `errorType` — the Node.js runtime reports the error's `name` — as the task's error name, which the state
 * machine's `Retry` matches (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), so
 * each `name` here is part of the contract with `pulumi/replay-backfill.ts`.
 */
import { ReplayError } from './errors.js';

/** Step Functions error names of the replay Lambda, as the state machine's Retry lists them. */
export const BACKFILL_ERROR_NAMES = {
  deliveryFailed: 'BackfillDeliveryError',
  conflict: 'BackfillConflictError',
  batchTooLarge: 'BackfillBatchTooLargeError',
  tableNotGranted: 'BackfillTableNotGrantedError',
} as const;

/**
 * Some events of the batch were not delivered (after the target's own retries). Re-running the batch is safe: the
 * stream target's copies are duplicates to the processor, the projection target's are duplicates by version, bus
 * consumers dedupe by eventId.
 */
export class BackfillDeliveryError extends ReplayError {
  override readonly name = BACKFILL_ERROR_NAMES.deliveryFailed;
}

/** The archive holds conflicting events for some aggregate: the replay held it, and re-running cannot help. */
export class BackfillConflictError extends ReplayError {
  override readonly name = BACKFILL_ERROR_NAMES.conflict;
}

/** The batch cannot finish in the invocation's remaining time or `/tmp`; raised before anything is written. */
export class BackfillBatchTooLargeError extends ReplayError {
  override readonly name = BACKFILL_ERROR_NAMES.batchTooLarge;
}

/** The run names a projection table the replay Lambda's role is not granted (config `replay.projectionTables`). */
export class BackfillTableNotGrantedError extends ReplayError {
  override readonly name = BACKFILL_ERROR_NAMES.tableNotGranted;
}
