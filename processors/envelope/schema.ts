import { z } from 'zod';

/** Upper bound of an encoded envelope; the exact rule, per aggregate type and type, is in `size-limit.ts`. */
export { MAX_ENVELOPE_BYTES } from './size-limit.js';

const AGGREGATE_TYPE_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * W3C Trace Context `traceparent`, version 00 as the recommendation defines it: lowercase hex, trace id and parent id
 * not all zeros, flags two hex digits. https://www.w3.org/TR/trace-context/#traceparent-header
 */
export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * W3C Trace Context `tracestate`: comma-separated `key=value` list members (optional spaces around commas), keys
 * lowercase (`tenant@system` allowed), values printable ASCII without `,` and `=`, not ending in a space; at most 32
 * members and 512 characters (the length a vendor must propagate). https://www.w3.org/TR/trace-context/#tracestate-header
 */
const TRACESTATE_MEMBER =
  '[a-z0-9][_0-9a-z*/-]{0,255}(?:@[a-z][_0-9a-z*/-]{0,13})?=[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]';
export const TRACESTATE_PATTERN = new RegExp(
  `^${TRACESTATE_MEMBER}(?:[ \\t]*,[ \\t]*${TRACESTATE_MEMBER}){0,31}$`,
);

/** The one event envelope every part of the pipeline shares (docs/design.md §2). */
export const envelopeSchema = z.strictObject({
  eventId: z.string().min(1).max(128),
  aggregateType: z
    .string()
    .min(1)
    .max(64)
    .regex(AGGREGATE_TYPE_PATTERN, { message: 'must match [A-Za-z0-9._-]+' }),
  // Kinesis refuses the whole PutRecords call for a partition key over 256; kinesalite counts UTF-16 code units and
  // the API reference does not name the unit, so the stricter count holds (a pattern without the `u` flag counts
  // UTF-16 units; `max` counts code points). https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
  aggregateId: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\s\S]{0,256}$/, {
      message:
        'must be at most 256 UTF-16 code units (the Kinesis partition key limit); a character outside the BMP counts 2',
    }),
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  type: z.string().min(1).max(128),
  schemaVersion: z.number().int().min(1),
  occurredAt: z.iso.datetime({ offset: false, message: 'must be an ISO-8601 UTC timestamp (…Z)' }),
  correlationId: z.string().min(1).max(256).optional(),
  causationId: z.string().min(1).max(256).optional(),
  /** W3C trace context of the event (docs/tracing.md): ingest stamps it when absent; every hop carries it unchanged. */
  traceparent: z
    .string()
    .regex(TRACEPARENT_PATTERN, {
      message:
        'must be a W3C traceparent: 00-<32 lowercase hex trace id>-<16 lowercase hex parent id>-<2 hex flags>, ids not all zero',
    })
    .optional(),
  tracestate: z
    .string()
    .max(512)
    .regex(TRACESTATE_PATTERN, {
      message: 'must be a W3C tracestate: up to 32 comma-separated key=value members',
    })
    .optional(),
  data: z.record(z.string(), z.unknown()),
});

/** A validated event envelope; `data` is checked separately against the registered data schema. */
export type Envelope = z.infer<typeof envelopeSchema>;

/** An envelope whose `data` has been validated against its registered schema. */
export type TypedEnvelope<TType extends string = string, TData = unknown> = Omit<
  Envelope,
  'type' | 'data'
> & {
  readonly type: TType;
  readonly data: TData;
};
