import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBusPort, PutEventsRequestEntry, PutEventsResult } from './event-bus-port.js';

/** Adapts an AWS SDK `EventBridgeClient` to `EventBusPort`, so replay (and the local Pipe) can target a real bus. */
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
