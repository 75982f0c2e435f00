import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBusPort } from './event-bus-port.js';
import type { PutEventsRequestEntry, PutEventsResult } from './put-events.js';

/** Adapts an AWS SDK `EventBridgeClient` to `EventBusPort`, so the Pipe logic can target a real bus. */
export function eventBridgeClientPort(client: EventBridgeClient): EventBusPort {
  return {
    async putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
      const output = await client.send(
        new PutEventsCommand({
          Entries: entries.map((entry) => ({
            ...entry,
            Resources: entry.Resources === undefined ? undefined : [...entry.Resources],
            Time: entry.Time === undefined ? undefined : new Date(entry.Time),
          })),
        }),
      );
      return {
        FailedEntryCount: output.FailedEntryCount ?? 0,
        Entries: (output.Entries ?? []).map((entry) => ({
          EventId: entry.EventId,
          ErrorCode: entry.ErrorCode,
          ErrorMessage: entry.ErrorMessage,
        })),
      };
    },
  };
}
