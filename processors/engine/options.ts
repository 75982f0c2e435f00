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
}

/** The engine's defaults; the stream processor's config schema takes its defaults from here. */
export const ENGINE_DEFAULTS = { recentWindow: 64, maxGapAgeMs: 300_000 } as const;

/** Engine options with defaults resolved. */
export type ResolvedEngineOptions = Required<EngineOptions>;

/** Resolves engine defaults once. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const recentWindow = options.recentWindow ?? ENGINE_DEFAULTS.recentWindow;
  const maxGapAgeMs = options.maxGapAgeMs ?? ENGINE_DEFAULTS.maxGapAgeMs;
  if (!Number.isInteger(recentWindow) || recentWindow < 1)
    throw new RangeError('recentWindow must be an integer ≥ 1');
  if (!(maxGapAgeMs > 0)) throw new RangeError('maxGapAgeMs must be > 0');
  return { recentWindow, maxGapAgeMs };
}
