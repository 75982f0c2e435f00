import { createHash } from 'node:crypto';

/** The chain of an aggregate that has applied nothing. */
export const EMPTY_CHAIN = '';

/** Extends the hash chain by one applied event: `sha256hex(chain + "\n" + eventId)`. */
export function nextChainLink(chain: string, eventId: string): string {
  return createHash('sha256').update(chain).update('\n').update(eventId).digest('hex');
}

/**
 * The token a skipped sequence contributes to the chain in place of an eventId.
 * It starts with NUL, which no producer puts in an eventId, so a skip never looks like an event.
 */
export function skipToken(sequence: number): string {
  return `\u0000skip:${sequence}`;
}

/** The chain after applying these eventIds in order, from the empty chain. */
export function chainOf(eventIds: Iterable<string>): string {
  let chain = EMPTY_CHAIN;
  for (const eventId of eventIds) chain = nextChainLink(chain, eventId);
  return chain;
}
