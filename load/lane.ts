import type { OrderEventStream } from '../processors/aggregates/order-events.js';
import type { Envelope } from '../processors/envelope/index.js';

/**
 * What one HTTP attempt ended with: a status code; `'refused'` when the connection was refused (ECONNREFUSED:
 * the request never reached ingest); `'timeout'` when no answer came (it may have been written).
 */
export type AttemptStatus = number | 'timeout' | 'refused';

/** The status of an attempt that failed with this error: refused when the connection was, else no answer. */
export function attemptStatusOfError(error: unknown): 'timeout' | 'refused' {
  // fetch wraps the socket error in `cause`; autocannon and node:http hand it over as is.
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    if ((e as NodeJS.ErrnoException).code === 'ECONNREFUSED') return 'refused';
    const inner = e as { cause?: unknown; errors?: unknown[] };
    // A host with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError of refusals.
    if (Array.isArray(inner.errors) && inner.errors.length > 0)
      return inner.errors.every((x) => attemptStatusOfError(x) === 'refused') ? 'refused' : 'timeout';
    e = inner.cause;
  }
  return 'timeout';
}

/** How a request's events ended: written, refused with nothing written, or unknown after the last retry. */
export type FinalOutcome = 'accepted' | 'rejected' | 'uncertain';

/** Told about every attempt and every final outcome of a lane's requests. */
export interface LaneListener {
  onAttempt(attempt: {
    readonly lane: number;
    readonly events: readonly Envelope[];
    readonly attempt: number;
    readonly sentAt: number;
    readonly respondedAt: number;
    readonly status: AttemptStatus;
  }): void;
  onFinal(final: {
    readonly events: readonly Envelope[];
    readonly outcome: FinalOutcome;
    readonly at: number;
  }): void;
}

/** Options of {@link Lane}. */
export interface LaneOptions {
  readonly index: number;
  readonly streams: readonly OrderEventStream[];
  readonly eventsPerRequest: number;
  /** Attempts of one request before its aggregates are given up. */
  readonly maxAttempts: number;
  readonly random: () => number;
  /** A fresh aggregate to replace one given up, so the lane never runs dry. */
  readonly newStream: () => OrderEventStream;
  readonly listener: LaneListener;
}

interface CurrentRequest {
  readonly events: readonly Envelope[];
  readonly body: string;
  attempt: number;
  sentAt: number;
  answered: boolean;
  /** True once an attempt may have reached ingest (anything but a refused connection). */
  mayHaveReached: boolean;
}

/** Statuses worth retrying: the request may succeed later (throttling, Kinesis trouble, no answer, ingest down). */
export function isRetryable(status: AttemptStatus): boolean {
  return status === 'timeout' || status === 'refused' || status === 429 || status >= 500;
}

/**
 * One connection's sender. It owns a fixed set of aggregates (no other lane ever sends them) and has at
 * most one request outstanding, so each aggregate's events reach ingest in sequence order by construction.
 * A request that is not accepted is retried unchanged (same eventIds: ingest and the processor dedupe)
 * before anything new is sent; when retries run out, or the status says retrying cannot help (4xx), its
 * aggregates are given up (no later sequence is ever sent, so no gap is created) and replaced by fresh ones.
 */
export class Lane {
  readonly index: number;
  #streams: OrderEventStream[];
  #current: CurrentRequest | undefined;
  readonly #options: LaneOptions;

  constructor(options: LaneOptions) {
    this.#options = options;
    this.index = options.index;
    this.#streams = [...options.streams];
  }

  /** Aggregates this lane currently sends. */
  get streams(): readonly OrderEventStream[] {
    return this.#streams;
  }

  /** True when a request awaits its answer or a retry. */
  get hasPending(): boolean {
    return this.#current !== undefined;
  }

  /** The body of the next request: the unanswered or failed one again, else new events. */
  nextBody(now: number): string {
    return this.retryBody(now) ?? this.#newBody(now);
  }

  /**
   * The outstanding request's body for another attempt (an unanswered one counts as timed out first), or
   * undefined when nothing is outstanding or its retries just ran out.
   */
  retryBody(now: number): string | undefined {
    if (this.#current !== undefined && !this.#current.answered) this.respond('timeout', now);
    const current = this.#current;
    if (current === undefined) return undefined;
    current.attempt += 1;
    current.sentAt = now;
    current.answered = false;
    return current.body;
  }

  #newBody(now: number): string {
    const events: Envelope[] = [];
    for (let i = 0; i < this.#options.eventsPerRequest; i++) {
      const stream = this.#streams[
        Math.floor(this.#options.random() * this.#streams.length)
      ] as OrderEventStream;
      events.push(stream.next(now));
    }
    const body = JSON.stringify(events);
    this.#current = { events, body, attempt: 1, sentAt: now, answered: false, mayHaveReached: false };
    return body;
  }

  /** Records the answer (or `'timeout'`, `'refused'`) of the outstanding request. */
  respond(status: AttemptStatus, now: number): void {
    const current = this.#current;
    if (current === undefined || current.answered) return;
    current.answered = true;
    if (status !== 'refused') current.mayHaveReached = true;
    const { listener, maxAttempts } = this.#options;
    listener.onAttempt({
      lane: this.index,
      events: current.events,
      attempt: current.attempt,
      sentAt: current.sentAt,
      respondedAt: now,
      status,
    });
    if (typeof status === 'number' && status >= 200 && status < 300) {
      this.#current = undefined;
      listener.onFinal({ events: current.events, outcome: 'accepted', at: now });
      return;
    }
    if (isRetryable(status) && current.attempt < maxAttempts) return;
    this.#current = undefined;
    // Refused connections alone never reached ingest: nothing can have been written.
    listener.onFinal({
      events: current.events,
      outcome: isRetryable(status) && current.mayHaveReached ? 'uncertain' : 'rejected',
      at: now,
    });
    this.#replace(new Set(current.events.map((e) => e.aggregateId)));
  }

  /** Gives up the outstanding request without another attempt (the run is over). */
  abandon(now: number): void {
    const current = this.#current;
    if (current === undefined) return;
    if (!current.answered) this.respond('timeout', now);
    if (this.#current === undefined) return;
    this.#current = undefined;
    this.#options.listener.onFinal({
      events: current.events,
      outcome: current.mayHaveReached ? 'uncertain' : 'rejected',
      at: now,
    });
    this.#replace(new Set(current.events.map((e) => e.aggregateId)));
  }

  #replace(given: ReadonlySet<string>): void {
    this.#streams = this.#streams.map((s) => (given.has(s.aggregateId) ? this.#options.newStream() : s));
  }
}
