/** Where things live in the pipeline's buckets, and how long they stay: pure values shared with tests. */

/**
 * Firehose key prefix of archived events: `events/YYYY/MM/DD/HH/` (UTC) of the approximate arrival of the **oldest**
 * record in each object, so an object can hold records that arrived up to one buffer interval later
 * (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html#timestamp-namespace; replay widens its listing
 * for that, processors/replay/time-range.ts).
 */
export const ARCHIVE_EVENTS_PREFIX = 'events/!{timestamp:yyyy/MM/dd/HH}/';

/** The archive's top-level folder of events, as replay lists it. */
export const ARCHIVE_EVENTS_ROOT = 'events/';

/** Firehose key prefix of records it could not deliver, by error type and hour. */
export const ARCHIVE_ERRORS_PREFIX = 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/';

/** Where in the archive bucket a distributed backfill's ResultWriter exports child results (never replayed). */
export const BACKFILL_RESULTS_PREFIX = 'backfill-results/';

/** How long backfill results stay: they report a run, they are not data. */
export const BACKFILL_RESULTS_EXPIRATION_DAYS = 30;

/** Where the Lambda event source mapping's S3 on-failure destination writes discarded batches. */
export const FAILED_BATCHES_ROOT = 'aws/lambda/';

/** A lifecycle rule in the shape of `aws.s3.BucketLifecycleConfiguration` rules (plain values). */
export interface LifecycleRule {
  readonly id: string;
  readonly status: 'Enabled';
  readonly filter: { readonly prefix: string };
  readonly transitions?: { readonly days: number; readonly storageClass: string }[];
  readonly expiration?: { readonly days: number };
  readonly noncurrentVersionExpiration?: { readonly noncurrentDays: number };
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation: number };
}

/** Options of {@link archiveLifecycleRules}. */
export interface ArchiveLifecycleOptions {
  readonly infrequentAccessAfterDays: number;
  readonly glacierAfterDays: number;
  readonly errorExpirationDays: number;
  readonly noncurrentVersionExpirationDays: number;
}

/**
 * Archive lifecycle: events move to STANDARD_IA, then GLACIER_IR (still instantly readable by replay);
 * delivery errors expire; overwritten versions expire; failed multipart uploads are cleaned up.
 */
export function archiveLifecycleRules(o: ArchiveLifecycleOptions): LifecycleRule[] {
  return [
    {
      id: 'events-tiering',
      status: 'Enabled',
      filter: { prefix: ARCHIVE_EVENTS_ROOT },
      transitions: [
        { days: o.infrequentAccessAfterDays, storageClass: 'STANDARD_IA' },
        { days: o.glacierAfterDays, storageClass: 'GLACIER_IR' },
      ],
    },
    {
      id: 'backfill-results-expiry',
      status: 'Enabled',
      filter: { prefix: BACKFILL_RESULTS_PREFIX },
      expiration: { days: BACKFILL_RESULTS_EXPIRATION_DAYS },
    },
    {
      id: 'errors-expiry',
      status: 'Enabled',
      filter: { prefix: 'errors/' },
      expiration: { days: o.errorExpirationDays },
    },
    ...housekeepingRules(o.noncurrentVersionExpirationDays),
  ];
}

/** Dead-letter bucket lifecycle: keep quarantined records and failed batches; clean up old versions. */
export function deadLetterLifecycleRules(noncurrentVersionExpirationDays: number): LifecycleRule[] {
  return housekeepingRules(noncurrentVersionExpirationDays);
}

function housekeepingRules(noncurrentDays: number): LifecycleRule[] {
  return [
    {
      id: 'noncurrent-versions',
      status: 'Enabled',
      filter: { prefix: '' },
      noncurrentVersionExpiration: { noncurrentDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ];
}
