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

/** An ordering-preserving writer to one Kinesis stream. */
export interface OrderedProducer {
  /**
   * Writes the entries, keeping each partition key's order (also across concurrent `put` calls on the
   * same producer). Resolves once every entry is written or failed; never rejects for Kinesis errors.
   * @returns one result per entry, aligned with `entries`.
   */
  put(entries: readonly ProducerEntry[]): Promise<ProducerResult[]>;
}
