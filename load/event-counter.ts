/** Envelope identity as read back from the archive or the bus. */
export interface SeenEnvelope {
  readonly eventId: string;
  readonly aggregateId: string;
}

/** A part of a place that could not be read (an archive object, a queue line), skipped and reported. */
export interface UnreadablePart {
  /** The archive object's key, or `<queue file>:<byte offset>` of a bus line. */
  readonly where: string;
  readonly error: string;
}

/** How many times each eventId of this run was seen in one place (archive, bus), and what could not be read there. */
export class EventCounter {
  readonly counts = new Map<string, number>();
  readonly #unreadable = new Map<string, string>();

  constructor(private readonly belongsToRun: (aggregateId: string) => boolean) {}

  /** Counts an envelope of this run; ignores everything else (earlier runs, other producers). */
  add(envelope: SeenEnvelope): void {
    if (!this.belongsToRun(envelope.aggregateId)) return;
    this.counts.set(envelope.eventId, (this.counts.get(envelope.eventId) ?? 0) + 1);
  }

  /** How many of these eventIds were seen at least once. */
  seenOf(eventIds: Iterable<string>): number {
    let seen = 0;
    for (const id of eventIds) if (this.counts.has(id)) seen += 1;
    return seen;
  }

  /** Records a part that could not be read (the latest error wins). */
  markUnreadable(where: string, error: string): void {
    this.#unreadable.set(where, error);
  }

  /** Forgets a part that was read after all. */
  markRead(where: string): void {
    this.#unreadable.delete(where);
  }

  /** Parts that could not be read, in the order they were first found. */
  get unreadable(): readonly UnreadablePart[] {
    return [...this.#unreadable].map(([where, error]) => ({ where, error }));
  }
}

/** The envelope in a JSON value: an envelope itself, or EventBridge's `detail.envelope` / `detail`. */
export function envelopeIn(value: unknown): SeenEnvelope | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.eventId === 'string' && typeof record.aggregateId === 'string')
    return { eventId: record.eventId, aggregateId: record.aggregateId };
  const detail = record.detail as Record<string, unknown> | undefined;
  if (typeof detail !== 'object' || detail === null) return undefined;
  return envelopeIn(detail.envelope) ?? envelopeIn(detail);
}
