import { z } from 'zod';

/** Upper bound of an encoded envelope; the exact rule, per aggregate type and type, is in `size-limit.ts`. */
export { MAX_ENVELOPE_BYTES } from './size-limit.js';

const AGGREGATE_TYPE_PATTERN = /^[A-Za-z0-9._-]+$/;

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
