import { z } from 'zod';
import { type ItemMeasure, measureItem } from '../engine/item-size.js';
import { RECENT_KEY_BYTES, recentKey, SKIPPED_KEY } from '../engine/recent-key.js';
import type { AggregateKey, AggregateSnapshot, RejectionReason } from '../engine/snapshot.js';
import { APPLIED_TIMES_WINDOW, aggregatePk, gapSince } from '../engine/snapshot.js';
import type { Envelope } from '../envelope/schema.js';
import { envelopeSchema } from '../envelope/schema.js';
import {
  compressedState,
  decodeAppliedTimes,
  decodeRecentWindow,
  decompressState,
  encodeAppliedTimes,
  encodeRecentWindow,
  STATE_COMPRESSION_MIN_BYTES,
} from './compact-attributes.js';

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
  /** The state as a plain Map; absent when it is stored compressed in `stateBrotli`. */
  state?: unknown;
  /** The state's JSON, brotli-compressed: only for states over `STATE_COMPRESSION_MIN_BYTES`. */
  stateBrotli?: Uint8Array;
  /** Conflict-detection window: 6 bytes per sequence (truncated SHA-256 of its eventId; zeros = skipped). */
  recentKeys: Uint8Array;
  /** Applied times of the last ≤ 16 sequences: uint32 ms before `updatedAt` each. */
  appliedAgoMs: Uint8Array;
  /** Present only while events are buffered: how many `pending#…` items hold them, and the lowest sequence. */
  pendingCount?: number;
  pendingFrom?: number;
  /** Present only while events are buffered: the oldest one's buffering time (a sparse attribute for scans). */
  gapSince?: string;
  /** Present only once an operator skipped sequences. */
  skips?: { from: number; to: number; at: string; reason: string; chainToken?: 'range' }[];
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
  state: z.unknown().optional(),
  stateBrotli: z.instanceof(Uint8Array).optional(),
  recentKeys: z.instanceof(Uint8Array).optional(),
  appliedAgoMs: z.instanceof(Uint8Array).optional(),
  pendingCount: z.number().int().min(0).optional(),
  pendingFrom: z.number().int().min(1).optional(),
  gapSince: z.string().optional(),
  // The layout before compact snapshots (docs/design.md §3, "Earlier layouts"): read, converted on the next write.
  recent: z.array(z.string()).optional(),
  recentAppliedAt: z.array(z.number()).optional(),
  pending: z
    .array(z.object({ sequence: z.number().int(), eventId: z.string(), bufferedAt: z.string() }))
    .optional(),
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
  return buildSnapshotItem(snapshot, measureItem({ state: snapshot.state }).bytes);
}

/**
 * The snapshot item, given the measured size of the state as a plain attribute. `forMeasure` fills the binary
 * attributes with zeros of their exact length: a size counts their bytes, not their content, and encoding 64 keys
 * for every aggregate the engine measures is its own cost.
 */
function buildSnapshotItem(
  snapshot: AggregateSnapshot,
  plainStateBytes: number,
  forMeasure = false,
): SnapshotItem {
  const compressed = compressedState(snapshot.state, plainStateBytes);
  const item: SnapshotItem = {
    pk: aggregatePk(snapshot),
    sk: SNAPSHOT_SK,
    aggregateType: snapshot.aggregateType,
    aggregateId: snapshot.aggregateId,
    version: snapshot.version,
    chain: snapshot.chain,
    ...(compressed === undefined ? { state: snapshot.state } : { stateBrotli: compressed }),
    recentKeys: forMeasure
      ? new Uint8Array(snapshot.recent.length * RECENT_KEY_BYTES)
      : encodeRecentWindow(snapshot.recent),
    appliedAgoMs: forMeasure
      ? new Uint8Array(appliedTimesToStore(snapshot).length * 4)
      : encodeAppliedTimes(appliedTimesToStore(snapshot), Date.parse(snapshot.updatedAt)),
    revision: snapshot.revision,
    updatedAt: snapshot.updatedAt,
  };
  const first = snapshot.pending[0];
  if (first !== undefined) {
    item.pendingCount = snapshot.pending.length;
    item.pendingFrom = first.sequence;
  } else if (snapshot.unloadedPending !== undefined) {
    // A snapshot read without its buffered events' refs keeps counting them.
    item.pendingCount = snapshot.unloadedPending.count;
    item.pendingFrom = snapshot.unloadedPending.from;
  }
  if (snapshot.skips.length > 0)
    item.skips = snapshot.skips.map(({ chainToken, ...s }) =>
      chainToken === undefined ? s : { ...s, chainToken },
    );
  if (snapshot.blocked !== undefined) item.blocked = { ...snapshot.blocked };
  // A blocked aggregate carries gapSince too, so the gap index (and `aggregates stalled`) finds it.
  const oldest = gapSince(snapshot);
  if (oldest !== undefined) item.gapSince = oldest;
  return item;
}

/** The applied times the item keeps: the last `APPLIED_TIMES_WINDOW`, never more than the window has entries. */
function appliedTimesToStore(snapshot: AggregateSnapshot): readonly number[] {
  const kept = Math.min(APPLIED_TIMES_WINDOW, snapshot.recent.length);
  return snapshot.recentAppliedAt.length <= kept
    ? snapshot.recentAppliedAt
    : snapshot.recentAppliedAt.slice(-kept);
}

/**
 * The snapshot item's size as DynamoDB counts it, and the first value it cannot store. The state is walked plain
 * first, so a value that cannot be stored is named even when the state would be written compressed.
 */
export function measureSnapshotItem(snapshot: AggregateSnapshot): ItemMeasure {
  const state = measureItem({ state: snapshot.state });
  if (state.problem !== undefined) return state;
  const { state: _state, stateBrotli, ...rest } = buildSnapshotItem(snapshot, state.bytes, true);
  const others = measureItem(rest);
  if (others.problem !== undefined) return others;
  const stateBytes = stateBrotli === undefined ? state.bytes : measureItem({ stateBrotli }).bytes;
  return { bytes: others.bytes + stateBytes };
}

/**
 * Whether the snapshot item fits `maxBytes`, measured without compressing the state when the plain state already fits
 * (compression only ever makes it smaller): the engine checks every changed aggregate's budget once per batch, and
 * brotli costs ≈ 20 µs for an order's state. Over the limit, the exact (compressed) measure.
 */
export function measureSnapshotItemWithin(snapshot: AggregateSnapshot, maxBytes: number): ItemMeasure {
  const state = measureItem({ state: snapshot.state });
  if (state.problem !== undefined) return state;
  if (state.bytes > STATE_COMPRESSION_MIN_BYTES) {
    const { state: _state, stateBrotli: _compressed, ...rest } = buildSnapshotItem(snapshot, 0, true);
    const others = measureItem(rest);
    if (others.problem !== undefined) return others;
    if (others.bytes + state.bytes <= maxBytes) return { bytes: others.bytes + state.bytes };
  }
  return measureSnapshotItem(snapshot);
}

/** How many buffered events a stored snapshot item counts (either layout): 0 means no `pending#…` Query is needed. */
export function storedPendingCount(item: Record<string, unknown>): number {
  if (typeof item.pendingCount === 'number') return item.pendingCount;
  return Array.isArray(item.pending) ? item.pending.length : 0;
}

/**
 * Parses a stored snapshot item (the compact layout or the one before it); returns an error message when it does
 * not have the expected shape. Its `pending` is empty for the compact layout: buffered events are read from their
 * own items (`storedPendingCount` says whether there are any); an item of the earlier layout lists them.
 */
export function fromSnapshotItem(item: Record<string, unknown>): AggregateSnapshot | string {
  const parsed = snapshotItemSchema.safeParse(item);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
  }
  const data = parsed.data;
  const updatedAtMs = Date.parse(data.updatedAt);
  const recent =
    data.recentKeys === undefined
      ? (data.recent ?? []).map((eventId) => (eventId === SKIPPED_KEY ? SKIPPED_KEY : recentKey(eventId)))
      : decodeRecentWindow(data.recentKeys);
  if (recent === undefined)
    return `recentKeys: ${data.recentKeys?.byteLength} bytes is not a whole number of keys`;
  const recentAppliedAt =
    data.appliedAgoMs === undefined
      ? (data.recentAppliedAt ?? [])
      : decodeAppliedTimes(data.appliedAgoMs, updatedAtMs);
  if (recentAppliedAt === undefined) return 'appliedAgoMs: its length is not a multiple of 4 bytes';
  let state: unknown = data.state;
  if (data.stateBrotli !== undefined) {
    try {
      state = decompressState(data.stateBrotli);
    } catch (error) {
      return `stateBrotli: ${(error as Error).message}`;
    }
  }
  const snapshot: AggregateSnapshot = {
    aggregateType: data.aggregateType,
    aggregateId: data.aggregateId,
    version: data.version,
    chain: data.chain,
    state,
    recent,
    recentAppliedAt,
    pending: data.pending ?? [],
    skips: data.skips,
    revision: data.revision,
    updatedAt: data.updatedAt,
  };
  const withBlock = data.blocked === undefined ? snapshot : { ...snapshot, blocked: data.blocked };
  if (data.pendingCount === undefined || data.pendingCount === 0 || data.pending !== undefined)
    return withBlock;
  // Compact layout with buffered events: the store reads their refs from their own items; until then (or in the
  // gap listing, which reads none) the item's count, lowest sequence and gapSince describe them.
  return {
    ...withBlock,
    unloadedPending: {
      count: data.pendingCount,
      from: data.pendingFrom ?? data.version + 1,
      since: data.gapSince ?? data.updatedAt,
    },
  };
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
