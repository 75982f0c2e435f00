import { createSeededRandom } from '../../processors/aggregates/seeded-random.js';
import {
  FAULT_KINDS,
  type FaultCounts,
  type FaultKind,
  type FaultOptions,
  resolveFaultOptions,
} from './fault-options.js';

/** Decides, from one seeded PRNG, which calls get a fault, and counts the faults injected by kind. */
export class FaultInjector {
  readonly slowMs: number;
  readonly #rates: Readonly<Record<FaultKind, number>>;
  readonly #random: () => number;
  readonly #counts: FaultCounts;

  constructor(options: FaultOptions) {
    const resolved = resolveFaultOptions(options);
    this.slowMs = resolved.slowMs;
    this.#rates = resolved.rates;
    this.#random = createSeededRandom(resolved.seed);
    this.#counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as FaultCounts;
  }

  /** True (and counted) when this call gets a `kind` fault; never for a kind that is not enabled. */
  roll(kind: FaultKind): boolean {
    if (this.#rates[kind] === 0 || this.#random() >= this.#rates[kind]) return false;
    this.#counts[kind] += 1;
    return true;
  }

  /** Like {@link roll}, but not counted yet: for a fault that may not happen (see {@link count}). */
  rollUncounted(kind: FaultKind): boolean {
    return this.#rates[kind] > 0 && this.#random() < this.#rates[kind];
  }

  /** Counts a fault decided with {@link rollUncounted} once it happened. */
  count(kind: FaultKind): void {
    this.#counts[kind] += 1;
  }

  /** An integer from 0 to `below - 1`, from the same seeded PRNG. */
  pick(below: number): number {
    return Math.floor(this.#random() * below);
  }

  /** Faults injected so far, by kind (a copy). */
  counts(): FaultCounts {
    return { ...this.#counts };
  }
}
