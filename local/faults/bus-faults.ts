import type {
  EventBusPort,
  PutEventsRequestEntry,
  PutEventsResultEntry,
} from '../../processors/bus-bridge/event-bus-port.js';
import type { FaultInjector } from './fault-injector.js';

/** Per-entry codes AWS returns in a partial PutEvents failure that a retry can clear. */
const RETRYABLE_ENTRY_ERRORS = ['ThrottlingException', 'InternalFailure'] as const;

/**
 * Wraps an event bus so some PutEvents calls fail in part, as AWS does: `FailedEntryCount` > 0 and, in the
 * failed entries' places, `ErrorCode`/`ErrorMessage` instead of an `EventId`; the other entries are put.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html (retryable entry codes:
 * InternalFailure, ThrottlingException) and https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html
 * (handling failures: retry the failed entries).
 */
export function withPutEventsFaults(bus: EventBusPort, injector: FaultInjector): EventBusPort {
  return {
    putEvents: async (entries: readonly PutEventsRequestEntry[]) => {
      if (entries.length === 0 || !injector.roll('put-events-partial')) return bus.putEvents(entries);
      // At least one entry fails, at least one (when there are two) goes through.
      const failing = new Set<number>();
      const failures = Math.max(1, injector.pick(entries.length));
      while (failing.size < failures) failing.add(injector.pick(entries.length));
      const passing = entries.filter((_, i) => !failing.has(i));
      const put = passing.length === 0 ? { FailedEntryCount: 0, Entries: [] } : await bus.putEvents(passing);
      const results: PutEventsResultEntry[] = [];
      let next = 0;
      let failed = 0;
      for (let i = 0; i < entries.length; i++) {
        if (failing.has(i)) {
          const code = RETRYABLE_ENTRY_ERRORS[injector.pick(RETRYABLE_ENTRY_ERRORS.length)] as string;
          results.push({ ErrorCode: code, ErrorMessage: `${code} (injected fault)` });
          failed += 1;
        } else {
          const entry = put.Entries[next++] ?? { ErrorCode: 'MissingResultEntry' };
          if (entry.ErrorCode !== undefined) failed += 1;
          results.push(entry);
        }
      }
      return { FailedEntryCount: failed, Entries: results };
    },
  };
}
