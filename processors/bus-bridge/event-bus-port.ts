/** One `PutEvents` entry, shaped like the SDK's `PutEventsRequestEntry`. */
export interface PutEventsRequestEntry {
  readonly Source?: string | undefined;
  readonly DetailType?: string | undefined;
  /** A JSON object, as text. */
  readonly Detail?: string | undefined;
  /** Bus name or ARN; AWS uses `default` when it is omitted. */
  readonly EventBusName?: string | undefined;
  readonly Time?: Date | string | undefined;
  readonly Resources?: readonly string[] | undefined;
}

/** One result entry: an `EventId` on success, or an error code and message. */
export interface PutEventsResultEntry {
  readonly EventId?: string | undefined;
  readonly ErrorCode?: string | undefined;
  readonly ErrorMessage?: string | undefined;
}

/** The `PutEvents` response: results are in the same order as the request's entries. */
export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

/**
 * What a producer of bus events (replay onto the bus, the local Pipe) needs from an event bus: `PutEvents`.
 * `eventBridgeClientPort` adapts the AWS SDK's client to it; the local bus implements it.
 */
export interface EventBusPort {
  /** Puts ≤ 10 entries; resolves with per-entry results, rejects when the whole call fails. */
  putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult>;
}
