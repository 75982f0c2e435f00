import type { Envelope } from '../envelope/schema.js';

/** How one event ended at the target. */
export type DeliveryOutcome =
  | { readonly status: 'sent' }
  /** The target already had it (the projection skipped it as a duplicate). */
  | { readonly status: 'duplicate' }
  | { readonly status: 'failed'; readonly message: string };

/** Port: where a replay writes. Each call gets a chunk in replay order; results align with the input. */
export interface ReplayTarget {
  /** Names the target and its environment, for the prompt and summary (e.g. `stream events on http://…`). */
  readonly description: string;
  /**
   * Writes the chunk, keeping each aggregate's order; never rejects for per-event failures. Where the target keeps
   * order, an aggregate's events after a failed one must fail too (the producer does: `predecessor-failed`).
   */
  send(events: readonly Envelope[]): Promise<DeliveryOutcome[]>;
  close?(): Promise<void>;
}
