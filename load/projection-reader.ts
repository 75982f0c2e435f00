import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recentKey, SKIPPED_KEY } from '../processors/engine/recent-key.js';
import type { AggregateSnapshot } from '../processors/engine/snapshot.js';
import { type Backoff, backoffDelayMs } from '../processors/retry/backoff.js';
import { decodeAppliedTimes, decodeRecentWindow } from '../processors/store/compact-attributes.js';

/**
 * The parts of a projection's snapshot item the verifier needs (table layout: docs/design.md §3): `recent` holds
 * window keys (`recentKey(eventId)`), `recentAppliedAt` the applied times of the last sequences, aligned to its end.
 */
export type ProjectionSnapshot = Pick<
  AggregateSnapshot,
  'aggregateId' | 'version' | 'chain' | 'recent' | 'recentAppliedAt'
>;

const CHUNK = 100;
const PARALLEL = 4;
// Unprocessed keys mean a throttled table: back off with full jitter, as the aggregate store does.
const UNPROCESSED_BACKOFF: Backoff = { baseDelayMs: 50, maxDelayMs: 1000 };

/** Reads `order#<id>` / `state` snapshot items with BatchGetItem (100 keys a call, unprocessed keys retried). */
export async function readProjections(
  client: DynamoDBDocumentClient,
  table: string,
  aggregateIds: readonly string[],
): Promise<Map<string, ProjectionSnapshot>> {
  const found = new Map<string, ProjectionSnapshot>();
  const chunks: string[][] = [];
  for (let i = 0; i < aggregateIds.length; i += CHUNK) chunks.push(aggregateIds.slice(i, i + CHUNK));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++] as string[];
      let keys: Record<string, unknown>[] = chunk.map((id) => ({ pk: `order#${id}`, sk: 'state' }));
      for (let attempt = 0; keys.length > 0 && attempt < 20; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) =>
            setTimeout(resolve, backoffDelayMs(attempt, UNPROCESSED_BACKOFF, Math.random())),
          );
        const output = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: {
                Keys: keys,
                // Both layouts: the compact one (recentKeys, appliedAgoMs) and the one before it (recent, recentAppliedAt).
                ProjectionExpression:
                  'aggregateId, version, chain, recentKeys, appliedAgoMs, updatedAt, recent, recentAppliedAt',
              },
            },
          }),
        );
        for (const item of output.Responses?.[table] ?? []) {
          const snapshot = projectionOf(item);
          found.set(snapshot.aggregateId, snapshot);
        }
        keys = (output.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
      if (keys.length > 0)
        throw new Error(`BatchGetItem left ${keys.length} keys unprocessed after 20 attempts`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, chunks.length) }, worker));
  return found;
}

/** The projection of a snapshot item of either layout (pure). */
export function projectionOf(item: Record<string, unknown>): ProjectionSnapshot {
  const updatedAtMs = Date.parse(String(item.updatedAt ?? ''));
  const recent =
    item.recentKeys instanceof Uint8Array
      ? (decodeRecentWindow(item.recentKeys) ?? [])
      : ((item.recent as string[] | undefined) ?? []).map((id) => (id === SKIPPED_KEY ? id : recentKey(id)));
  const recentAppliedAt =
    item.appliedAgoMs instanceof Uint8Array
      ? (decodeAppliedTimes(item.appliedAgoMs, updatedAtMs) ?? [])
      : ((item.recentAppliedAt as number[] | undefined) ?? []).map(Number);
  return {
    aggregateId: String(item.aggregateId),
    version: Number(item.version ?? 0),
    chain: String(item.chain ?? ''),
    recent,
    recentAppliedAt,
  };
}
