/** Options of the ordering engine. */
export interface EngineOptions {
  /**
   * How many recent sequences keep their eventId, to tell a duplicate from a conflict.
   * @default 64
   */
  readonly recentWindow?: number;
  /**
   * A gap open longer than this marks the aggregate stalled.
   * @default 3_600_000 (one hour)
   */
  readonly maxGapAgeMs?: number;
}

/** Engine options with defaults resolved. */
export type ResolvedEngineOptions = Required<EngineOptions>;

/** Resolves engine defaults once. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const recentWindow = options.recentWindow ?? 64;
  const maxGapAgeMs = options.maxGapAgeMs ?? 3_600_000;
  if (!Number.isInteger(recentWindow) || recentWindow < 1)
    throw new RangeError('recentWindow must be an integer ≥ 1');
  if (!(maxGapAgeMs > 0)) throw new RangeError('maxGapAgeMs must be > 0');
  return { recentWindow, maxGapAgeMs };
}
