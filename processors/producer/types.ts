/** One record to put on the stream. */
export interface ProducerEntry {
  /** Kinesis partition key (1–256 UTF-16 code units); records of one key are written in the order given. */
  readonly partitionKey: string;
  /** The record's payload. */
  readonly data: Uint8Array;
  /** Optional explicit hash key, overriding the partition key's MD5 for shard routing. */
  readonly explicitHashKey?: string;
}

/** Why an entry was not written. */
export const ProducerFailureReason = {
  /**
   * The entry itself cannot be written: empty or over-long partition key, record over the size limit, or Kinesis
   * refused a call with only this entry in it for its input (ValidationException). The caller's input is at fault.
   */
  InvalidEntry: 'invalid-entry',
  /** Kinesis rejected the call with an error that retrying cannot fix (e.g. stream not found, access denied). */
  Rejected: 'rejected',
  /** Retries of a throttled or failed entry did not succeed before the deadline. */
  DeadlineExceeded: 'deadline-exceeded',
  /** An earlier entry of the same partition key failed; writing this one would reorder the key. */
  PredecessorFailed: 'predecessor-failed',
} as const;
export type ProducerFailureReason = (typeof ProducerFailureReason)[keyof typeof ProducerFailureReason];

/** The entry is on the stream. */
export interface ProducerWritten {
  readonly status: 'written';
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** PutRecords calls that carried this entry (1 when it went through first time). */
  readonly attempts: number;
}

/**
 * The entry is not confirmed written. After a call that timed out it may still have landed (a duplicate
 * if retried, never a reorder); every other failure means it was not written.
 */
export interface ProducerFailed {
  readonly status: 'failed';
  readonly reason: ProducerFailureReason;
  /** The last error seen, in words (e.g. `ProvisionedThroughputExceededException: Rate exceeded`). */
  readonly message: string;
  readonly attempts: number;
}

/** How one entry ended: every entry ends as exactly one of these. */
export type ProducerResult = ProducerWritten | ProducerFailed;

/** One PutRecords call that carries entries of a `put`, as a {@link PutObserver} sees it. */
export interface ObservedPutRecordsCall {
  /** The put's entries in this call: positions in the `entries` given to `put`, in the call's order. */
  readonly indexes: readonly number[];
  /** Records in the whole call (entries of concurrent puts on the same producer included). */
  readonly recordCount: number;
}

/**
 * Watches the PutRecords calls that carry a put's entries, so a caller can trace them (the ingest API does,
 * docs/tracing.md) without the producer knowing what it does with them. A throwing observer is ignored.
 */
export interface PutObserver {
  /**
   * A PutRecords call carrying some of the put's entries is about to be sent (once per attempt).
   * @returns what to call with the call's outcome for each of those entries, aligned with `call.indexes`.
   */
  callStarted(call: ObservedPutRecordsCall): (outcomes: readonly PutRecordsEntryOutcome[]) => void;
}

/** Options of one {@link OrderedProducer.put}. */
export interface PutOptions {
  /** Told about every PutRecords call that carries these entries. @default none */
  readonly observer?: PutObserver;
}

/** An ordering-preserving writer to one Kinesis stream. */
export interface OrderedProducer {
  /**
   * Writes the entries, keeping each partition key's order (also across concurrent `put` calls on the
   * same producer). Resolves once every entry is written or failed; never rejects for Kinesis errors.
   * @returns one result per entry, aligned with `entries`.
   */
  put(entries: readonly ProducerEntry[], options?: PutOptions): Promise<ProducerResult[]>;
}

/** What happened to one entry of a sent batch. */
export type PutRecordsEntryOutcome =
  | { readonly kind: 'written'; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly kind: 'retry'; readonly message: string }
  | { readonly kind: 'reject'; readonly message: string }
  /** The whole call was refused for its input, no entry named: send again in smaller batches. */
  | { readonly kind: 'isolate'; readonly message: string };
