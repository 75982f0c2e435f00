import type { RejectionReason } from '../engine/snapshot.js';
import type { EnvelopeIssue, PoisonReason } from '../envelope/errors.js';

/**
 * Why a record was quarantined: a decoding failure, a conflict, or a refusal by its aggregate (`apply` threw, or the
 * aggregate could not store it within its bounds: docs/design.md §3, "Bounded aggregates").
 */
export type QuarantineReason = PoisonReason | 'conflict' | RejectionReason;

/** One quarantined Kinesis record: everything needed to inspect and re-drive it. */
export interface QuarantineRecord {
  readonly reason: QuarantineReason;
  /** Human-readable cause. */
  readonly detail: string;
  /** Field-level issues for schema violations. */
  readonly issues?: readonly EnvelopeIssue[];
  /** The record's data exactly as received (base64). */
  readonly data: string;
  readonly shardId: string;
  /** Kinesis sequence number of the record. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** ISO time Kinesis received the record. */
  readonly approximateArrivalTimestamp: string;
  readonly eventSourceARN: string;
  readonly processorVersion: string;
  /** ISO time of quarantine. */
  readonly quarantinedAt: string;
  /** For conflicts: the event's identity and the eventId already holding its slot. */
  readonly event?: {
    readonly eventId: string;
    readonly aggregateType: string;
    readonly aggregateId: string;
    readonly sequence: number;
    readonly type: string;
  };
  readonly existingEventId?: string;
}

/** Port: where poison records and conflicts go. */
export interface Quarantine {
  /** Stores one record; idempotent for the same shard and sequence number. */
  put(record: QuarantineRecord): Promise<void>;
  /** Where `put` stores the record (an S3 key), for the trace's `quarantined` event; absent when it has no key. */
  keyOf?(record: QuarantineRecord): string;
}

/**
 * The object key of a quarantined record: `<prefix>YYYY/MM/DD/<shardId>/<sequenceNumber>.json`, dated by the record's
 * arrival, so a redelivered record overwrites its own object instead of adding another.
 */
export function quarantineKey(
  prefix: string,
  record: Pick<QuarantineRecord, 'approximateArrivalTimestamp' | 'shardId' | 'sequenceNumber'>,
): string {
  const day = record.approximateArrivalTimestamp.slice(0, 10).replaceAll('-', '/');
  return `${prefix}${day}/${record.shardId}/${record.sequenceNumber}.json`;
}
