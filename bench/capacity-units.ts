/**
 * DynamoDB capacity units as DynamoDB bills them (on-demand read and write request units follow the same rules), from
 * item sizes. Pure.
 *
 * Rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html and
 * https://aws.amazon.com/dynamodb/pricing/on-demand/):
 * - a write costs 1 unit per started 1 KB of the item; PutItem and UpdateItem count the larger of the item before
 *   and after; a transactional write costs twice;
 * - a strongly consistent read costs 1 unit per started 4 KB, an eventually consistent one half that, a
 *   transactional one twice;
 * - BatchGetItem rounds each item up to 4 KB before adding them; Query and Scan add the items' sizes and round the
 *   sum once.
 */

/** Bytes one write unit covers. */
export const WRITE_UNIT_BYTES = 1024;
/** Bytes one read unit covers. */
export const READ_UNIT_BYTES = 4096;

/** How a read is made: strongly consistent, eventually consistent, or inside a transaction. */
export type ReadConsistency = 'strong' | 'eventual' | 'transactional';

const READ_FACTOR: Readonly<Record<ReadConsistency, number>> = { strong: 1, eventual: 0.5, transactional: 2 };

/** Whole units needed for `bytes` at `unitBytes` each; at least one, as a request of an empty item still costs one. */
function startedUnits(bytes: number, unitBytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`item size must be ≥ 0 bytes, got ${bytes}`);
  return Math.max(1, Math.ceil(bytes / unitBytes));
}

/** Write units of writing one item: the larger of the item before (if any) and after, per started 1 KB. */
export function writeUnits(
  newBytes: number,
  oldBytes = 0,
  options: { transactional?: boolean } = {},
): number {
  const larger = Math.max(startedUnits(newBytes, WRITE_UNIT_BYTES), startedUnits(oldBytes, WRITE_UNIT_BYTES));
  return larger * (options.transactional ? 2 : 1);
}

/** Read units of reading one item (GetItem), per started 4 KB; a missing item costs the minimum (`bytes` 0). */
export function readUnits(bytes: number, consistency: ReadConsistency): number {
  return startedUnits(bytes, READ_UNIT_BYTES) * READ_FACTOR[consistency];
}

/** Read units of a BatchGetItem: each item rounded up to 4 KB on its own, then added. */
export function batchGetReadUnits(itemBytes: readonly number[], consistency: ReadConsistency): number {
  return itemBytes.reduce((sum, bytes) => sum + readUnits(bytes, consistency), 0);
}

/** Read units of a Query or Scan page: the items' sizes added, then rounded up to 4 KB once. */
export function queryReadUnits(itemBytes: readonly number[], consistency: ReadConsistency): number {
  const total = itemBytes.reduce((sum, bytes) => sum + bytes, 0);
  return readUnits(total, consistency);
}

/** Read and write units, e.g. of one run. */
export interface CapacityUnits {
  readonly read: number;
  readonly write: number;
}

/**
 * The total `CapacityUnits` of a response's `ConsumedCapacity` (one object, or one per table for batch and transact
 * operations); undefined when the response carries none. `CapacityUnits` includes the indexes' units
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConsumedCapacity.html).
 */
export function consumedCapacityUnits(consumed: unknown): number | undefined {
  if (consumed === undefined || consumed === null) return undefined;
  const entries = Array.isArray(consumed) ? consumed : [consumed];
  let total = 0;
  let found = false;
  for (const entry of entries) {
    const units = (entry as { CapacityUnits?: unknown } | null)?.CapacityUnits;
    if (typeof units === 'number' && Number.isFinite(units)) {
      total += units;
      found = true;
    }
  }
  return found ? total : undefined;
}
