import { InvalidFaultOptionsError } from './errors.js';

/** Every fault the local stack can inject, by kind. */
export const FAULT_KINDS = [
  'kinesis-throttling',
  'kinesis-5xx',
  'dynamodb-throttling',
  'dynamodb-5xx',
  's3-5xx',
  'put-events-partial',
  'processor-crash',
  'slow-response',
] as const;

/** One kind of injected fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults counted by kind. */
export type FaultCounts = Record<FaultKind, number>;

/** Fault injection options of the local stack (off unless given). */
export interface FaultOptions {
  /** Probability that one eligible call gets a given fault kind, 0–1. */
  readonly rate: number;
  /** Per-kind probabilities that replace `rate` (rare calls, such as archive writes, need a higher one to be hit). */
  readonly rates?: Partial<Record<FaultKind, number>>;
  /** PRNG seed: the same seed gives the same sequence of decisions. @default 1 */
  readonly seed?: number;
  /** Kinds to inject. @default all of {@link FAULT_KINDS} */
  readonly kinds?: readonly FaultKind[];
  /** Delay of a slow response, ms. @default 250 */
  readonly slowMs?: number;
}

/** {@link FaultOptions} with defaults applied. */
export interface ResolvedFaultOptions {
  /** Probability per kind; 0 for a kind that is not enabled. */
  readonly rates: Readonly<Record<FaultKind, number>>;
  readonly seed: number;
  readonly kinds: ReadonlySet<FaultKind>;
  readonly slowMs: number;
}

/** Checks the options and applies defaults (pure); throws {@link InvalidFaultOptionsError} naming the bad field. */
export function resolveFaultOptions(options: FaultOptions): ResolvedFaultOptions {
  const { rate } = options;
  if (!(Number.isFinite(rate) && rate >= 0 && rate <= 1))
    throw new InvalidFaultOptionsError(`fault rate must be a number from 0 to 1, got ${rate}`);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new InvalidFaultOptionsError(`fault seed must be an integer from 0 to 2^32-1, got ${seed}`);
  const slowMs = options.slowMs ?? 250;
  if (!(Number.isFinite(slowMs) && slowMs >= 0 && slowMs <= 60_000))
    throw new InvalidFaultOptionsError(`slowMs must be 0–60000, got ${slowMs}`);
  const kinds = options.kinds ?? FAULT_KINDS;
  for (const kind of kinds)
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new InvalidFaultOptionsError(`unknown fault kind "${kind}"; known: ${FAULT_KINDS.join(', ')}`);
  const rates = Object.fromEntries(
    FAULT_KINDS.map((kind) => [kind, kinds.includes(kind) ? (options.rates?.[kind] ?? rate) : 0]),
  ) as Record<FaultKind, number>;
  for (const [kind, value] of Object.entries(options.rates ?? {}))
    if (
      !(FAULT_KINDS as readonly string[]).includes(kind) ||
      !(Number.isFinite(value) && value >= 0 && value <= 1)
    )
      throw new InvalidFaultOptionsError(
        `rates.${kind} must be a known kind with a number from 0 to 1, got ${value}`,
      );
  return { rates, seed, kinds: new Set(kinds), slowMs };
}

/** Parses `kinesis-throttling,s3-5xx` (or `all`) into kinds; throws {@link InvalidFaultOptionsError}. */
export function parseFaultKinds(text: string): FaultKind[] {
  if (text.trim() === 'all') return [...FAULT_KINDS];
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const kind of kinds)
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new InvalidFaultOptionsError(`unknown fault kind "${kind}"; known: ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}
