import type { Envelope } from '../processors/envelope/index.js';
import type { AttemptStatus, FinalOutcome, LaneListener } from './lane.js';

/** What the ledger keeps of a sent envelope (all a run file holds of it). */
export type SentEvent = Pick<Envelope, 'aggregateId' | 'sequence' | 'eventId'>;

/** One HTTP attempt as the ledger records it (a lane's attempt, or one read back from a run file). */
export type LedgerAttempt = Omit<Parameters<LaneListener['onAttempt']>[0], 'events'> & {
  readonly events: readonly SentEvent[];
};

/** A request's final outcome as the ledger records it. */
export type LedgerFinal = Omit<Parameters<LaneListener['onFinal']>[0], 'events'> & {
  readonly events: readonly Pick<Envelope, 'eventId'>[];
};

/** One event as sent, with how it ended. */
export interface LedgerEvent {
  readonly aggregateId: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly lane: number;
  firstSentAt: number;
  attempts: number;
  lastStatus: AttemptStatus | undefined;
  outcome: FinalOutcome | undefined;
  /** When the 2xx answer of the request that carried it arrived (epoch ms). */
  acceptedAt: number | undefined;
}

/** One HTTP attempt. */
export interface LedgerRequest {
  readonly lane: number;
  readonly attempt: number;
  readonly sentAt: number;
  readonly respondedAt: number;
  readonly status: AttemptStatus;
  readonly events: number;
}

/**
 * Everything a run sent, per aggregate in sequence order, and every HTTP attempt: what the verifier
 * compares the pipeline's state against. Pure (no I/O).
 */
export class RunLedger implements LaneListener {
  readonly aggregates = new Map<string, LedgerEvent[]>();
  readonly requests: LedgerRequest[] = [];
  readonly #byEventId = new Map<string, LedgerEvent>();

  onAttempt(attempt: LedgerAttempt): void {
    this.requests.push({
      lane: attempt.lane,
      attempt: attempt.attempt,
      sentAt: attempt.sentAt,
      respondedAt: attempt.respondedAt,
      status: attempt.status,
      events: attempt.events.length,
    });
    for (const envelope of attempt.events) {
      const event = this.#eventOf(envelope, attempt.lane, attempt.sentAt);
      event.attempts += 1;
      event.lastStatus = attempt.status;
    }
  }

  onFinal(final: LedgerFinal): void {
    for (const envelope of final.events) {
      const event = this.#byEventId.get(envelope.eventId);
      if (event === undefined) continue;
      event.outcome = final.outcome;
      if (final.outcome === 'accepted') event.acceptedAt = final.at;
    }
  }

  /** The ledger entry of an eventId. */
  event(eventId: string): LedgerEvent | undefined {
    return this.#byEventId.get(eventId);
  }

  /** Every event in send order per aggregate. */
  *events(): Iterable<LedgerEvent> {
    for (const list of this.aggregates.values()) yield* list;
  }

  /** Counts by outcome. */
  counts(): { sent: number; accepted: number; rejected: number; uncertain: number } {
    const counts = { sent: 0, accepted: 0, rejected: 0, uncertain: 0 };
    for (const event of this.events()) {
      counts.sent += 1;
      if (event.outcome !== undefined) counts[event.outcome] += 1;
    }
    return counts;
  }

  #eventOf(envelope: SentEvent, lane: number, sentAt: number): LedgerEvent {
    const known = this.#byEventId.get(envelope.eventId);
    if (known !== undefined) return known;
    const event: LedgerEvent = {
      aggregateId: envelope.aggregateId,
      sequence: envelope.sequence,
      eventId: envelope.eventId,
      lane,
      firstSentAt: sentAt,
      attempts: 0,
      lastStatus: undefined,
      outcome: undefined,
      acceptedAt: undefined,
    };
    this.#byEventId.set(envelope.eventId, event);
    let list = this.aggregates.get(envelope.aggregateId);
    if (list === undefined) {
      list = [];
      this.aggregates.set(envelope.aggregateId, list);
    }
    list.push(event);
    return event;
  }
}
