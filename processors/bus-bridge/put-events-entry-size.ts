/**
 * EventBridge's PutEvents entry-size rule, the one place it is written down. AWS: "Calculating Amazon
 * EventBridge PutEvents event entry size",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html — `Time` counts 14 bytes
 * when set; `Source`, `DetailType`, `Detail` and each `Resources` entry count the bytes of their UTF-8
 * form; nothing else counts (not `EventBusName`, not `TraceHeader`); the entries of one call must total
 * **less than** 256 KB. Pure: the local bus, the local Pipe, the envelope limit and the bridge use it.
 */

/**
 * PutEvents' size limit in bytes: 256 KB read as 256 × 1024. The page gives no byte count; since January 2026
 * event buses take payloads up to 1 MB (https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb),
 * so the documented 256 KB rule is the conservative one to hold the bridge to.
 */
export const PUT_EVENTS_SIZE_LIMIT_BYTES = 256 * 1024;

/** What a set `Time` parameter counts, whatever its value. */
export const PUT_EVENTS_TIME_BYTES = 14;

/** The entry fields the rule counts, shaped like the SDK's `PutEventsRequestEntry`. */
export interface PutEventsSizedEntry {
  readonly Source?: string | undefined;
  readonly DetailType?: string | undefined;
  readonly Detail?: string | undefined;
  readonly Time?: unknown;
  readonly Resources?: readonly (string | null | undefined)[] | undefined;
}

/** The size of one entry, counted as AWS documents it. */
export function putEventsEntrySize(entry: PutEventsSizedEntry): number {
  let size = entry.Time === undefined || entry.Time === null ? 0 : PUT_EVENTS_TIME_BYTES;
  size += Buffer.byteLength(entry.Source ?? '', 'utf8');
  size += Buffer.byteLength(entry.DetailType ?? '', 'utf8');
  size += Buffer.byteLength(entry.Detail ?? '', 'utf8');
  for (const resource of entry.Resources ?? []) {
    if (typeof resource === 'string') size += Buffer.byteLength(resource, 'utf8');
  }
  return size;
}

/** True when entries totalling `totalBytes` may go in one PutEvents call ("must be less than 256KB"). */
export function fitsPutEvents(totalBytes: number): boolean {
  return totalBytes < PUT_EVENTS_SIZE_LIMIT_BYTES;
}
