import type {
  PutEventsRequestEntry,
  PutEventsResult,
  PutEventsResultEntry,
} from '../../processors/bus-bridge/event-bus-port.js';
import { PUT_EVENTS_MAX_ENTRIES } from '../../processors/bus-bridge/put-events-batches.js';
import {
  fitsPutEvents,
  PUT_EVENTS_SIZE_LIMIT_BYTES,
  putEventsEntrySize,
} from '../../processors/bus-bridge/put-events-entry-size.js';
import { PutEventsValidationError } from './errors.js';
import { isPlainObject } from './pattern-operators.js';

export { putEventsEntrySize };

/** EventBridge's limits on one `PutEvents` call. */
export const PUT_EVENTS_LIMITS = {
  /** Entries per call (the bridge's and the Pipe's batching hold to the same constant). */
  maxEntries: PUT_EVENTS_MAX_ENTRIES,
  /**
   * The entries' total size, counted by `putEventsEntrySize`, must stay **under** this
   * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
   */
  maxRequestBytes: PUT_EVENTS_SIZE_LIMIT_BYTES,
} as const;

// The entry and result shapes are the port's (processors/bus-bridge/event-bus-port.ts), which the local bus implements.
export type { PutEventsRequestEntry, PutEventsResult, PutEventsResultEntry };

/** An event as EventBridge delivers it to targets. */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** Where and when an entry is turned into an event. */
export interface EventContext {
  readonly busName: string;
  readonly busArn: string;
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly now: Date;
}

/** The outcome for one entry: the event to route, or why the entry failed. */
export type PutEventsEntryOutcome =
  | { readonly ok: true; readonly event: EventBridgeEvent }
  | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

/**
 * Throws `PutEventsValidationError` for a call AWS rejects as a whole: 0 or > 10 entries, or entries totalling
 * 256 KiB or more. Size is a request-level error, not a per-entry code: PutEventsResultEntry lists no size
 * code (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html) and AWS
 * answers `ValidationException: Total size of the entries in the request is over the limit.` — so an
 * over-size entry fails its whole call, and senders put it in a call of its own.
 */
export function validatePutEventsRequest(entries: readonly PutEventsRequestEntry[]): void {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new PutEventsValidationError('Entries must contain at least 1 entry.');
  }
  if (entries.length > PUT_EVENTS_LIMITS.maxEntries) {
    throw new PutEventsValidationError(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${PUT_EVENTS_LIMITS.maxEntries} (got ${entries.length}).`,
    );
  }
  const total = entries.reduce((sum, entry) => sum + putEventsEntrySize(entry), 0);
  if (!fitsPutEvents(total)) {
    // AWS's exact message, which names no sizes; senders compare against it.
    throw new PutEventsValidationError('Total size of the entries in the request is over the limit.');
  }
}

/** Validates one entry and builds the event EventBridge would route (pure). */
export function toEventBridgeEvent(
  entry: PutEventsRequestEntry,
  context: EventContext,
): PutEventsEntryOutcome {
  const busName = entry.EventBusName ?? 'default';
  if (busName !== context.busName && busName !== context.busArn) {
    return failure('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
  }
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    const value = entry[field];
    if (typeof value !== 'string' || value === '') {
      return failure(
        'InvalidArgument',
        `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      );
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return failure('MalformedDetail', 'Detail is malformed.');
  }
  if (!isPlainObject(detail))
    return failure('MalformedDetail', 'Detail is malformed: it must be a JSON object.');
  let time = context.now;
  if (entry.Time !== undefined) {
    time = entry.Time instanceof Date ? entry.Time : new Date(entry.Time);
    if (Number.isNaN(time.getTime())) {
      return failure('InvalidArgument', 'Parameter Time is not valid.');
    }
  }
  const resources = entry.Resources ?? [];
  if (!resources.every((resource) => typeof resource === 'string')) {
    return failure('InvalidArgument', 'Parameter Resources is not valid.');
  }
  return {
    ok: true,
    event: {
      version: '0',
      id: context.id,
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: context.account,
      // EventBridge's `time` has second precision.
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: context.region,
      resources: [...resources],
      detail,
    },
  };
}

function failure(errorCode: string, errorMessage: string): PutEventsEntryOutcome {
  return { ok: false, errorCode, errorMessage };
}
