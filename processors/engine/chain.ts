import { sha256Hex } from './sha256-hex.js';

/** The chain of an aggregate that has applied nothing. */
export const EMPTY_CHAIN = '';

/** Extends the hash chain by one applied event: `sha256hex(chain + "\n" + eventId)`. */
export function nextChainLink(chain: string, eventId: string): string {
  return sha256Hex(`${chain}\n${eventId}`);
}

/**
 * The token one skipped sequence contributed to the chain under the first skip rule (one link per sequence):
 * still used to verify skips recorded before range tokens (a skip record without `chainToken`).
 * It starts with NUL, which no producer puts in an eventId, so a skip never looks like an event.
 */
export function skipToken(sequence: number): string {
  return `\u0000skip:${sequence}`;
}

/**
 * The one token an operator's skip of `from..to` (inclusive) contributes to the chain: a single link for the
 * whole range, so a skip of any length costs one hash (docs/design.md, "version and chain").
 */
export function skipRangeToken(from: number, to: number): string {
  return `\u0000skip:${from}-${to}`;
}

/**
 * How a skip record entered the chain: `'range'` = one {@link skipRangeToken} link; absent = one
 * {@link skipToken} link per sequence (skips recorded before range tokens).
 */
export type SkipChainToken = 'range';

/** The parts of a skip record that the chain depends on. */
export interface ChainSkip {
  readonly from: number;
  readonly to: number;
  readonly chainToken?: SkipChainToken | undefined;
}

/** The chain after applying these eventIds in order, from the empty chain. */
export function chainOf(eventIds: Iterable<string>): string {
  let chain = EMPTY_CHAIN;
  for (const eventId of eventIds) chain = nextChainLink(chain, eventId);
  return chain;
}

/** Thrown when an applied history and its skip records do not describe sequences 1..n exactly once each. */
export class ChainHistoryError extends Error {
  override readonly name = 'ChainHistoryError';
}

/**
 * The chain of an aggregate from what it applied: its applied events (`sequence`, `eventId`) and its skip
 * records, which together must cover sequences 1..n exactly once. Each skip is linked by the rule it was recorded
 * with (see {@link ChainSkip}): a range skip costs one hash, a legacy one a hash per sequence.
 * @throws ChainHistoryError when a sequence is missing or covered twice
 */
export function chainOfHistory(
  applied: Iterable<{ readonly sequence: number; readonly eventId: string }>,
  skips: readonly ChainSkip[],
): string {
  const events = [...applied].sort((a, b) => a.sequence - b.sequence);
  const ranges = [...skips].sort((a, b) => a.from - b.from);
  let chain = EMPTY_CHAIN;
  let next = 1;
  let e = 0;
  let s = 0;
  while (e < events.length || s < ranges.length) {
    const event = events[e];
    const skip = ranges[s];
    if (skip !== undefined && skip.from === next) {
      if (skip.to < skip.from) throw new ChainHistoryError(`skip ${skip.from}-${skip.to} is empty`);
      if (skip.chainToken === 'range') chain = nextChainLink(chain, skipRangeToken(skip.from, skip.to));
      else for (let q = skip.from; q <= skip.to; q++) chain = nextChainLink(chain, skipToken(q));
      next = skip.to + 1;
      s += 1;
    } else if (event !== undefined && event.sequence === next) {
      chain = nextChainLink(chain, event.eventId);
      next += 1;
      e += 1;
    } else {
      throw new ChainHistoryError(
        `sequence ${next} is neither applied nor skipped exactly once (next event ${event?.sequence ?? '-'}, next skip ${skip === undefined ? '-' : `${skip.from}-${skip.to}`})`,
      );
    }
  }
  return chain;
}
