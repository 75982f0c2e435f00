import { z } from 'zod';
import { type ItemMeasure, measureItem } from '../engine/item-size.js';
import type { AggregateKey, AggregateSnapshot, RejectionReason } from '../engine/snapshot.js';
import { aggregatePk, gapSince } from '../engine/snapshot.js';
import type { Envelope } from '../envelope/schema.js';
import { envelopeSchema } from '../envelope/schema.js';

/** Sort key of an aggregate's snapshot item. */
export const SNAPSHOT_SK = 'state';
/** Prefix of the sort keys of buffered-event items. */
export const PENDING_SK_PREFIX = 'pending#';

/** Sort key of a buffered event: `pending#<sequence, zero-padded to 12 digits>`. */
export function pendingSk(sequence: number): string {
  return `${PENDING_SK_PREFIX}${String(sequence).padStart(12, '0')}`;
}

/** The primary key of an aggregate's snapshot item. */
export function snapshotItemKey(key: AggregateKey): { pk: string; sk: string } {
  return { pk: aggregatePk(key), sk: SNAPSHOT_SK };
}

/** The snapshot item as stored in the table (docs/design.md §3). */
export interface SnapshotItem {
  pk: string;
  sk: typeof SNAPSHOT_SK;
  aggregateType: string;
  aggregateId: string;
  version: number;
  chain: string;
  state: unknown;
  recent: string[];
  recentAppliedAt: number[];
  pending: { sequence: number; eventId: string; bufferedAt: string }[];
  /** Present only while events are buffered: the oldest one's buffering time (a sparse attribute for scans). */
  gapSince?: string;
  skips: { from: number; to: number; at: string; reason: string; chainToken?: 'range' }[];
  /** Present only while the aggregate waits on a refused event (docs/design.md §3, "Bounded aggregates"). */
  blocked?: { sequence: number; eventId: string; reason: RejectionReason; detail: string; at: string };
  revision: number;
  updatedAt: string;
}

/** A buffered-event item. */
export interface PendingItem {
  pk: string;
  sk: string;
  sequence: number;
  eventId: string;
  bufferedAt: string;
  envelope: Envelope;
}

const snapshotItemSchema = z.object({
  pk: z.string(),
  sk: z.literal(SNAPSHOT_SK),
  aggregateType: z.string(),
  aggregateId: z.string(),
  version: z.number().int().min(0),
  chain: z.string(),
  state: z.unknown(),
  recent: z.array(z.string()).default([]),
  recentAppliedAt: z.array(z.number()).default([]),
  pending: z
    .array(z.object({ sequence: z.number().int(), eventId: z.string(), bufferedAt: z.string() }))
    .default([]),
  skips: z
    .array(
      z.object({
        from: z.number().int(),
        to: z.number().int(),
        at: z.string(),
        reason: z.string(),
        // 'range': one chain link for the whole skip; absent: one per sequence (skips recorded before range links).
        chainToken: z.literal('range').optional(),
      }),
    )
    .default([]),
  blocked: z
    .object({
      sequence: z.number().int(),
      eventId: z.string(),
      reason: z.enum([
        'apply-failed',
        'state-too-large',
        'too-many-buffered',
        'not-storable',
        'store-rejected',
      ]),
      detail: z.string(),
      at: z.string(),
    })
    .optional(),
  revision: z.number().int().min(0).default(0),
  updatedAt: z.string(),
});

const pendingItemSchema = z.object({
  pk: z.string(),
  sk: z.string().startsWith(PENDING_SK_PREFIX),
  sequence: z.number().int().min(1),
  eventId: z.string(),
  bufferedAt: z.string(),
  envelope: envelopeSchema,
});

/** The item written for a snapshot. */
export function toSnapshotItem(snapshot: AggregateSnapshot): SnapshotItem {
  const item: SnapshotItem = {
    pk: aggregatePk(snapshot),
    sk: SNAPSHOT_SK,
    aggregateType: snapshot.aggregateType,
    aggregateId: snapshot.aggregateId,
    version: snapshot.version,
    chain: snapshot.chain,
    state: snapshot.state,
    recent: [...snapshot.recent],
    recentAppliedAt: [...snapshot.recentAppliedAt],
    pending: snapshot.pending.map((p) => ({ ...p })),
    skips: snapshot.skips.map(({ chainToken, ...s }) =>
      chainToken === undefined ? s : { ...s, chainToken },
    ),
    revision: snapshot.revision,
    updatedAt: snapshot.updatedAt,
  };
  if (snapshot.blocked !== undefined) item.blocked = { ...snapshot.blocked };
  // A blocked aggregate carries gapSince too, so the gap index (and `aggregates stalled`) finds it.
  const oldest = gapSince(snapshot);
  if (oldest !== undefined) item.gapSince = oldest;
  return item;
}

/**
 * The snapshot item's size as DynamoDB counts it, and the first value it cannot store, measured without building
 * the item (the engine measures every changed aggregate once per batch).
 */
export function measureSnapshotItem(snapshot: AggregateSnapshot): ItemMeasure {
  const since = gapSince(snapshot);
  return measureItem({
    ...snapshot,
    pk: aggregatePk(snapshot),
    sk: SNAPSHOT_SK,
    ...(since === undefined ? {} : { gapSince: since }),
  });
}

/** Parses a stored snapshot item; returns an error message when it does not have the expected shape. */
export function fromSnapshotItem(item: Record<string, unknown>): AggregateSnapshot | string {
  const parsed = snapshotItemSchema.safeParse(item);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
  }
  const { pk: _pk, sk: _sk, blocked, ...snapshot } = parsed.data;
  return blocked === undefined ? snapshot : { ...snapshot, blocked };
}

/** The item written for a buffered event. */
export function toPendingItem(envelope: Envelope, bufferedAt: string): PendingItem {
  return {
    pk: aggregatePk(envelope),
    sk: pendingSk(envelope.sequence),
    sequence: envelope.sequence,
    eventId: envelope.eventId,
    bufferedAt,
    envelope,
  };
}

/** Parses a stored buffered-event item, or returns undefined when it is not one. */
export function fromPendingItem(item: Record<string, unknown>): PendingItem | undefined {
  const parsed = pendingItemSchema.safeParse(item);
  return parsed.success ? (parsed.data as PendingItem) : undefined;
}
