import { DYNAMODB_MAX_ITEM_BYTES } from './item-size.js';

/** Options of the ordering engine. */
export interface EngineOptions {
  /**
   * How many recent sequences keep their eventId, to tell a duplicate from a conflict.
   * @default 64
   */
  readonly recentWindow?: number;
  /**
   * A gap open longer than this marks the aggregate stalled.
   * @default 300_000 (five minutes)
   */
  readonly maxGapAgeMs?: number;
  /**
   * Size budget of the snapshot item (state, compressed when large, + recent window + the rest), counted as
   * DynamoDB counts item size. An event that would pass it is refused (`state-too-large`). At most DynamoDB's 400 KB item limit.
   * @default 360_000 (about 88 % of 400 KB: the rule for numbers is approximate)
   */
  readonly maxSnapshotBytes?: number;
  /**
   * How many events one aggregate may buffer behind a gap; one more is refused (`too-many-buffered`).
   * @default 1_000 (each in its own `pending#…` item; the snapshot keeps only their count)
   */
  readonly maxBufferedEvents?: number;
}

/** The engine's defaults; the stream processor's config schema takes its defaults from here. */
export const ENGINE_DEFAULTS = {
  recentWindow: 64,
  maxGapAgeMs: 300_000,
  maxSnapshotBytes: 360_000,
  maxBufferedEvents: 1_000,
} as const;

/** Engine options with defaults resolved. */
export type ResolvedEngineOptions = Required<EngineOptions>;

/** Resolves engine defaults once. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const recentWindow = options.recentWindow ?? ENGINE_DEFAULTS.recentWindow;
  const maxGapAgeMs = options.maxGapAgeMs ?? ENGINE_DEFAULTS.maxGapAgeMs;
  const maxSnapshotBytes = options.maxSnapshotBytes ?? ENGINE_DEFAULTS.maxSnapshotBytes;
  const maxBufferedEvents = options.maxBufferedEvents ?? ENGINE_DEFAULTS.maxBufferedEvents;
  if (!Number.isInteger(recentWindow) || recentWindow < 1)
    throw new RangeError('recentWindow must be an integer ≥ 1');
  if (!(maxGapAgeMs > 0)) throw new RangeError('maxGapAgeMs must be > 0');
  if (
    !Number.isInteger(maxSnapshotBytes) ||
    maxSnapshotBytes < 1 ||
    maxSnapshotBytes > DYNAMODB_MAX_ITEM_BYTES
  )
    throw new RangeError(
      `maxSnapshotBytes must be an integer 1–${DYNAMODB_MAX_ITEM_BYTES} (DynamoDB's item limit)`,
    );
  if (!Number.isInteger(maxBufferedEvents) || maxBufferedEvents < 0)
    throw new RangeError('maxBufferedEvents must be an integer ≥ 0');
  return { recentWindow, maxGapAgeMs, maxSnapshotBytes, maxBufferedEvents };
}
