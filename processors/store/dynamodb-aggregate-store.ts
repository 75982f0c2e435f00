import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { AggregateKey, AggregateSnapshot, LoadedAggregate, PendingRef } from '../engine/snapshot.js';
import { aggregatePk } from '../engine/snapshot.js';
import type { Envelope } from '../envelope/schema.js';
import { type Backoff, backoffDelayMs } from '../retry/backoff.js';
import type { AggregateStore, AggregateWrite, ListWithGapsOptions, LoadResult } from './aggregate-store.js';
import {
  ConcurrentWriteError,
  CorruptItemError,
  GapIndexNotReadyError,
  StoreRejectedError,
  StoreUnavailableError,
} from './errors.js';
import {
  fromPendingItem,
  fromSnapshotItem,
  PENDING_SK_PREFIX,
  pendingSk,
  SNAPSHOT_SK,
  snapshotItemKey,
  storedPendingCount,
  toPendingItem,
  toSnapshotItem,
} from './item-layout.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { marshallableValue } from './marshallable-value.js';
import { GAP_INDEX_NAME } from './table-definition.js';
import { isNonRetryableWriteError } from './write-error-classification.js';

/** Options of the DynamoDB aggregate store. */
export interface DynamoDbAggregateStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Concurrent BatchGetItem calls. @default 4 */
  readonly readConcurrency?: number;
  /** Rounds of retrying `UnprocessedKeys` / `UnprocessedItems` before giving up. @default 8 */
  readonly unprocessedAttempts?: number;
  /** First backoff between unprocessed retries, doubled each round with jitter. @default 25 */
  readonly unprocessedBaseDelayMs?: number;
  /**
   * A buffered-event item older than this may be overwritten by another event for the same slot: it can only be an
   * orphan of a failed write, because no writer's read-to-write span outlives a Lambda invocation (15 minutes max).
   * @default 1_800_000 (30 minutes)
   */
  readonly orphanPendingAgeMs?: number;
}

type Key = Record<string, string>;
type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;

/** The aggregate store on DynamoDB: one table, snapshot items `sk = "state"`, buffered events `sk = "pending#…"`. */
export class DynamoDbAggregateStore implements AggregateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #readConcurrency: number;
  readonly #attempts: number;
  readonly #backoff: Backoff;
  readonly #orphanAgeMs: number;
  /** Buffered-event items left behind because their cleanup failed (they are ignored by readers). */
  cleanupFailures = 0;

  constructor(options: DynamoDbAggregateStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#readConcurrency = options.readConcurrency ?? 4;
    this.#attempts = options.unprocessedAttempts ?? 8;
    // Round n waits up to base·2^n ms, the doubling stopping after 8 rounds (at 256 × base).
    const baseDelayMs = options.unprocessedBaseDelayMs ?? 25;
    this.#backoff = { baseDelayMs: baseDelayMs * 2, maxDelayMs: baseDelayMs * 2 ** 8 };
    this.#orphanAgeMs = options.orphanPendingAgeMs ?? 1_800_000;
  }

  /**
   * Loads snapshots with eventually consistent reads (half the read units): every write they lead to is
   * conditional on the revision read, so a stale snapshot fails its write and the retry reads with `load`, strongly
   * consistent (docs/design.md §3, "Read consistency"). Buffered events are always read strongly consistent.
   */
  async loadMany(keys: readonly AggregateKey[]): Promise<Map<string, LoadResult>> {
    return this.#loadMany(keys, false);
  }

  /** Loads one aggregate strongly consistent: the read after a failed conditional write, and operator commands. */
  async load(key: AggregateKey): Promise<LoadedAggregate | undefined> {
    const result = (await this.#loadMany([key], true)).get(aggregatePk(key));
    if (result === undefined) return undefined;
    if (!result.ok) throw result.error;
    return result.aggregate;
  }

  async #loadMany(keys: readonly AggregateKey[], consistent: boolean): Promise<Map<string, LoadResult>> {
    const results = new Map<string, LoadResult>();
    const snapshotKeys = keys.map(snapshotItemKey);
    const { items, failures } = await this.#batchGet(snapshotKeys, consistent);
    const withPending: AggregateSnapshot[] = [];
    for (const key of keys) {
      const pk = aggregatePk(key);
      const failure = failures.get(pk);
      if (failure !== undefined) {
        results.set(pk, { ok: false, error: failure });
        continue;
      }
      const item = items.get(`${pk}\u0000${SNAPSHOT_SK}`);
      if (item === undefined) {
        results.set(pk, { ok: true, aggregate: undefined });
        continue;
      }
      const snapshot = fromSnapshotItem(item);
      if (typeof snapshot === 'string') {
        results.set(pk, {
          ok: false,
          error: new CorruptItemError(`snapshot item ${pk} is corrupt: ${snapshot}`, key),
        });
        continue;
      }
      if (storedPendingCount(item) > 0) withPending.push(snapshot);
      else results.set(pk, { ok: true, aggregate: { snapshot, pendingEvents: new Map() } });
    }
    await mapWithConcurrency(withPending, this.#readConcurrency, async (snapshot) => {
      const pk = aggregatePk(snapshot);
      try {
        results.set(pk, { ok: true, aggregate: await this.#withPendingEvents(snapshot) });
      } catch (cause) {
        const error = new StoreUnavailableError(
          `reading the buffered events of ${pk} failed: ${(cause as Error).message}`,
          snapshot,
          { cause },
        );
        results.set(pk, { ok: false, error });
      }
    });
    return results;
  }

  /**
   * The snapshot with its buffered events, read with a strongly consistent Query of its `pending#…` items above
   * its version (items at or below it are leftovers of a failed cleanup). A snapshot of the earlier layout lists
   * its buffered events: only the items it lists count, as before. A compact one counts them: every item above
   * the version is buffered (an orphan of a failed write holds an event the stream redelivers anyway).
   */
  async #withPendingEvents(snapshot: AggregateSnapshot): Promise<LoadedAggregate> {
    const listed =
      snapshot.pending.length > 0 ? new Map(snapshot.pending.map((ref) => [ref.sequence, ref])) : undefined;
    const pending: PendingRef[] = [];
    const pendingEvents = new Map<number, Envelope>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': aggregatePk(snapshot),
            ':from': pendingSk(snapshot.version + 1),
            // '~' sorts after every digit: the bound covers each zero-padded sequence.
            ':to': `${PENDING_SK_PREFIX}~`,
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = fromPendingItem(raw);
        if (item === undefined || item.sequence <= snapshot.version) continue;
        if (listed !== undefined) {
          // An item holding another eventId than the list is an orphan of a failed write, not this buffered event.
          if (listed.get(item.sequence)?.eventId === item.eventId)
            pendingEvents.set(item.sequence, item.envelope);
          continue;
        }
        pending.push({ sequence: item.sequence, eventId: item.eventId, bufferedAt: item.bufferedAt });
        pendingEvents.set(item.sequence, item.envelope);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    if (listed !== undefined) return { snapshot, pendingEvents };
    pending.sort((a, b) => a.sequence - b.sequence);
    const { unloadedPending: _counted, ...rest } = snapshot;
    return { snapshot: { ...rest, pending }, pendingEvents };
  }

  async write(write: AggregateWrite): Promise<void> {
    const pk = aggregatePk(write.key);
    const bufferedAt = new Map(write.next.pending.map((p) => [p.sequence, p.bufferedAt]));
    const orphanBefore = new Date(Date.parse(write.next.updatedAt) - this.#orphanAgeMs).toISOString();
    // Buffered events go first: a snapshot must never list an event whose item is not there.
    await mapWithConcurrency(write.pendingToPut, 4, async (envelope) => {
      const pendingItem = toPendingItem(envelope, bufferedAt.get(envelope.sequence) ?? write.next.updatedAt);
      const item = { ...pendingItem, envelope: { ...envelope, data: marshallableValue(envelope.data) } };
      await this.#send(write.key, () =>
        this.#client.send(
          new PutCommand({
            TableName: this.#table,
            Item: item,
            ConditionExpression:
              'attribute_not_exists(pk) OR eventId = :eventId OR bufferedAt < :orphanBefore',
            ExpressionAttributeValues: { ':eventId': item.eventId, ':orphanBefore': orphanBefore },
          }),
        ),
      );
    });
    const condition =
      write.expectedRevision === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'revision = :expected',
            ExpressionAttributeValues: { ':expected': write.expectedRevision },
          };
    const item = toSnapshotItem(write.next);
    const snapshotItem = { ...item, state: marshallableValue(item.state) };
    await this.#send(write.key, () =>
      this.#client.send(new PutCommand({ TableName: this.#table, Item: snapshotItem, ...condition })),
    );
    if (write.pendingToDelete.length > 0) {
      const keys = write.pendingToDelete.map((sequence) => ({ pk, sk: pendingSk(sequence) }));
      try {
        await this.#batchDelete(keys);
      } catch {
        // Leftover items are harmless: readers only Query buffered events above the version.
        this.cleanupFailures++;
      }
    }
  }

  /**
   * Scans the sparse gap index (keys only: it holds just the snapshots that carry `gapSince`), then reads those
   * snapshots consistently, so a gap filled since the index was updated is not reported. A table without the index
   * (a local data directory from before it existed) is scanned whole instead.
   */
  async *listWithGaps(options: ListWithGapsOptions = {}): AsyncIterable<AggregateSnapshot> {
    const cutoff = options.olderThan?.toISOString();
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: ScanCommandOutput;
      try {
        page = await this.#client.send(
          new ScanCommand({
            TableName: this.#table,
            IndexName: GAP_INDEX_NAME,
            // No filter on the age: a blocked aggregate is stalled at once, and `blocked` is not projected into
            // the keys-only index; the age is checked on the snapshots read below.
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        if (startKey === undefined && isMissingIndex(error)) {
          yield* this.#scanTableForGaps(cutoff);
          return;
        }
        if (isBackfillingIndex(error)) {
          throw new GapIndexNotReadyError(
            `index ${GAP_INDEX_NAME} of table ${this.#table} is still being built; try again when it is ACTIVE`,
            undefined,
            { cause: error },
          );
        }
        throw error;
      }
      const keys = (page.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
      const { items, failures } = await this.#batchGet(keys, true);
      const [failure] = failures.values();
      if (failure !== undefined) throw failure;
      for (const key of keys) {
        const item = items.get(`${key.pk}\u0000${key.sk}`);
        if (item === undefined || item.gapSince === undefined) continue;
        if (cutoff !== undefined && !(String(item.gapSince) < cutoff) && item.blocked === undefined) continue;
        const snapshot = await this.#listedSnapshot(item);
        if (snapshot !== undefined) yield snapshot;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /**
   * A listed snapshot item, or undefined if corrupt. Its buffered events are not read: the item's count, lowest
   * sequence and gapSince (`unloadedPending`) are all a listing needs, so the stalled check never queries the table.
   */
  async #listedSnapshot(item: Item): Promise<AggregateSnapshot | undefined> {
    const snapshot = fromSnapshotItem(item);
    return typeof snapshot === 'string' ? undefined : snapshot;
  }

  /** The whole-table scan the gap index replaced (reads every item). */
  async *#scanTableForGaps(cutoff: string | undefined): AsyncIterable<AggregateSnapshot> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({
          TableName: this.#table,
          FilterExpression: `sk = :state AND attribute_exists(gapSince)${cutoff === undefined ? '' : ' AND (gapSince < :cutoff OR attribute_exists(blocked))'}`,
          ExpressionAttributeValues: {
            ':state': SNAPSHOT_SK,
            ...(cutoff === undefined ? {} : { ':cutoff': cutoff }),
          },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        const snapshot = await this.#listedSnapshot(item);
        if (snapshot !== undefined) yield snapshot;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  async #send<T>(key: AggregateKey, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new ConcurrentWriteError(`${aggregatePk(key)} changed since it was read`, key, {
          cause: error,
        });
      }
      if (isNonRetryableWriteError(error)) {
        throw new StoreRejectedError(
          `writing ${aggregatePk(key)} was refused: ${(error as Error).message}`,
          key,
          {
            cause: error,
          },
        );
      }
      throw new StoreUnavailableError(
        `writing ${aggregatePk(key)} failed: ${(error as Error).message}`,
        key,
        {
          cause: error,
        },
      );
    }
  }

  /** BatchGetItem in ≤ 100-key chunks, retrying `UnprocessedKeys`; failures are reported per pk. */
  async #batchGet(
    keys: readonly Key[],
    consistent: boolean,
  ): Promise<{ items: Map<string, Item>; failures: Map<string, Error> }> {
    const items = new Map<string, Item>();
    const failures = new Map<string, Error>();
    const chunks: Key[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) chunks.push(keys.slice(i, i + BATCH_GET_LIMIT));
    await mapWithConcurrency(chunks, this.#readConcurrency, async (chunk) => {
      let remaining: Key[] = chunk;
      for (let attempt = 0; remaining.length > 0; attempt++) {
        if (attempt >= this.#attempts) {
          const error = new StoreUnavailableError(
            `BatchGetItem left keys unprocessed after ${attempt} attempts`,
            undefined,
          );
          for (const key of remaining) failures.set(key.pk as string, error);
          return;
        }
        if (attempt > 0) await sleep(backoffDelayMs(attempt, this.#backoff, Math.random()));
        try {
          const response = await this.#client.send(
            new BatchGetCommand({
              RequestItems: { [this.#table]: { Keys: remaining, ConsistentRead: consistent } },
            }),
          );
          for (const item of response.Responses?.[this.#table] ?? [])
            items.set(`${item.pk}\u0000${item.sk}`, item);
          remaining = (response.UnprocessedKeys?.[this.#table]?.Keys as Key[] | undefined) ?? [];
        } catch (cause) {
          const error = new StoreUnavailableError(
            `BatchGetItem failed: ${(cause as Error).message}`,
            undefined,
            { cause },
          );
          for (const key of remaining) failures.set(key.pk as string, error);
          return;
        }
      }
    });
    return { items, failures };
  }

  async #batchDelete(keys: readonly Key[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH_WRITE_LIMIT) {
      let requests = keys.slice(i, i + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= this.#attempts)
          throw new StoreUnavailableError('BatchWriteItem left deletes unprocessed', undefined);
        if (attempt > 0) await sleep(backoffDelayMs(attempt, this.#backoff, Math.random()));
        const response = await this.#client.send(
          new BatchWriteCommand({ RequestItems: { [this.#table]: requests } }),
        );
        requests = (response.UnprocessedItems?.[this.#table] as typeof requests | undefined) ?? [];
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** DynamoDB's answer to a read through an index the table does not have. */
/** DynamoDB refuses reads of a global secondary index while it backfills an existing table's items. */
function isBackfillingIndex(error: unknown): boolean {
  return (
    (error as Error).name === 'ValidationException' &&
    /backfilling global secondary index/i.test((error as Error).message)
  );
}

function isMissingIndex(error: unknown): boolean {
  return (
    (error as Error).name === 'ValidationException' &&
    /does not have the specified index/i.test((error as Error).message)
  );
}
