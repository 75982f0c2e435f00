import type { Envelope } from '../envelope/schema.js';

/** The sort key of an aggregate: type and id joined by NUL (which sorts first, so `a` < `a-b` keys stay grouped). */
export function aggregateSortKey(envelope: Pick<Envelope, 'aggregateType' | 'aggregateId'>): string {
  return `${envelope.aggregateType}\u0000${envelope.aggregateId}`;
}

/**
 * A validated archive line, kept as its text plus the fields ordering needs. Holding the text instead of the parsed
 * object keeps the sort's memory compact (one string per event, little garbage); it is parsed again when delivered.
 */
export interface ArchivedEvent {
  readonly key: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly type: string;
  /** The envelope's JSON, one line. */
  readonly line: string;
}

/** An archived event of a decoded envelope and its line. */
export function archivedEvent(envelope: Envelope, line: string): ArchivedEvent {
  return {
    key: aggregateSortKey(envelope),
    sequence: envelope.sequence,
    eventId: envelope.eventId,
    type: envelope.type,
    line,
  };
}

/** The envelope of an archived event (its line was validated when read). */
export function envelopeOf(event: ArchivedEvent): Envelope {
  return JSON.parse(event.line) as Envelope;
}

/** Replay order: by aggregate key, then `sequence`, then `eventId` (so duplicates and conflicts are adjacent). */
export function compareEvents(a: ArchivedEvent, b: ArchivedEvent): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.sequence !== b.sequence) return a.sequence - b.sequence;
  return a.eventId === b.eventId ? 0 : a.eventId < b.eventId ? -1 : 1;
}

/** A position in replay order: everything at or before it has been handled. */
export interface ReplayCursor {
  readonly key: string;
  readonly sequence: number;
}

/** True when `item` comes strictly after `cursor` in replay order. */
export function isAfterCursor(item: ReplayCursor, cursor: ReplayCursor): boolean {
  if (item.key !== cursor.key) return item.key > cursor.key;
  return item.sequence > cursor.sequence;
}
