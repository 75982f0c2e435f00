import type { PutRecordsCommand, PutRecordsOutput } from '@aws-sdk/client-kinesis';
import type { KinesisSender } from '../../processors/producer/index.js';

/** What the fake does with one PutRecords call. */
export type CallFate =
  | { readonly kind: 'answer'; readonly failRecords: readonly ('ok' | 'throttle' | 'internal')[] }
  | { readonly kind: 'throw'; readonly name: string; readonly retryable: boolean };

/** A record the fake stream accepted. */
export interface StoredRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly sequenceNumber: string;
}

/** Observations a test asserts on. */
export interface FakeKinesisLog {
  readonly stored: StoredRecord[];
  readonly calls: { readonly records: number; readonly bytes: number }[];
  /** Partition keys seen in flight twice at once (must stay empty). */
  readonly overlaps: string[];
}

/**
 * An in-memory Kinesis double for the producer's unit tests: answers PutRecords after a random short delay,
 * failing calls or records as `fates` says (then succeeding once the fates run out), and records what it
 * stored and whether a partition key was ever in flight twice.
 */
export function createFakeKinesis(
  fates: readonly CallFate[],
  options: {
    readonly random?: () => number;
    /** Refuses a whole call with a ValidationException (as Kinesis does for one bad entry) when this is true of a record. */
    readonly invalidRecord?: (record: { readonly PartitionKey?: string | undefined }) => boolean;
  } = {},
): { readonly client: KinesisSender; readonly log: FakeKinesisLog } {
  const random = options.random ?? Math.random;
  const log: FakeKinesisLog = { stored: [], calls: [], overlaps: [] };
  const inFlight = new Set<string>();
  let callIndex = 0;
  let sequence = 0;
  const send = async (command: PutRecordsCommand): Promise<PutRecordsOutput> => {
    const records = command.input.Records ?? [];
    const keys = records.map((r) => r.PartitionKey ?? '');
    for (const key of keys) {
      if (inFlight.has(key)) log.overlaps.push(key);
      inFlight.add(key);
    }
    log.calls.push({
      records: records.length,
      bytes: records.reduce(
        (sum, r) => sum + (r.Data?.byteLength ?? 0) + Buffer.byteLength(r.PartitionKey ?? ''),
        0,
      ),
    });
    const fate = fates[callIndex];
    callIndex += 1;
    // Let calls overlap and finish out of order.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
    for (const key of keys) inFlight.delete(key);
    const invalidAt = options.invalidRecord === undefined ? -1 : records.findIndex(options.invalidRecord);
    if (invalidAt !== -1) {
      throw Object.assign(
        new Error(
          `1 validation error detected: Value at 'records.${invalidAt + 1}.member.partitionKey' failed to satisfy constraint`,
        ),
        { name: 'ValidationException', $metadata: { httpStatusCode: 400 } },
      );
    }
    if (fate?.kind === 'throw') {
      const error = Object.assign(new Error(`injected ${fate.name}`), {
        name: fate.name,
        $metadata: { httpStatusCode: fate.retryable ? 503 : 400 },
      });
      throw error;
    }
    return {
      FailedRecordCount: 0,
      Records: records.map((record, index) => {
        const recordFate = fate?.kind === 'answer' ? (fate.failRecords[index] ?? 'ok') : 'ok';
        if (recordFate === 'throttle') {
          return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };
        }
        if (recordFate === 'internal') return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal' };
        sequence += 1;
        const sequenceNumber = String(sequence).padStart(20, '0');
        log.stored.push({
          partitionKey: record.PartitionKey ?? '',
          data: record.Data ?? new Uint8Array(),
          sequenceNumber,
        });
        return { ShardId: 'shardId-000000000000', SequenceNumber: sequenceNumber };
      }),
    };
  };
  return { client: { send } as unknown as KinesisSender, log };
}
