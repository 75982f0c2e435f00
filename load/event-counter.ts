/** Envelope identity as read back from the archive or the bus. */
export interface SeenEnvelope {
  readonly eventId: string;
  readonly aggregateId: string;
}

/** How many times each eventId of this run was seen in one place (archive, bus). */
export class EventCounter {
  readonly counts = new Map<string, number>();

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
}

/** The envelope in a JSON value: an envelope itself, or EventBridge's `detail.envelope` / `detail`. */
export function envelopeIn(value: unknown): SeenEnvelope | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.eventId === 'string' && typeof record.aggregateId === 'string')
    return { eventId: record.eventId, aggregateId: record.aggregateId };
  const detail = record.detail as Record<string, unknown> | undefined;
  if (detail === undefined) return undefined;
  return envelopeIn(detail.envelope) ?? envelopeIn(detail);
}
