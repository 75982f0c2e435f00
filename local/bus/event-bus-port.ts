import type { PutEventsRequestEntry, PutEventsResult } from './put-events.js';

/**
 * What a producer (the Pipe, replay) needs from an event bus: `PutEvents`. The local bus implements it;
 * `eventBridgeClientPort` adapts the AWS SDK's client to it.
 */
export interface EventBusPort {
  /** Puts ≤ 10 entries; resolves with per-entry results, rejects when the whole call fails. */
  putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult>;
}
