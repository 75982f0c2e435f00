import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type { IteratorStart } from './starting-position.js';
import type { StreamRecord } from './stream-record.js';

/** Options of {@link ShardReader}. */
export interface ShardReaderOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly shardId: string;
  /** Where the first iterator opens. */
  readonly start: IteratorStart;
  /** Clock, replaceable in tests. @default Date.now */
  readonly now?: () => number;
}

/** A shard's progress as the status line shows it. */
export interface ShardLag {
  readonly shardId: string;
  /** Last sequence number read (not necessarily processed). */
  readonly lastSequenceNumber: string | undefined;
  /** Now minus the arrival time of the last record read, 0 once caught up (Lambda's IteratorAge). */
  readonly iteratorAgeMs: number;
  /** Milliseconds since a record was last read, undefined if none yet. */
  readonly msSinceLastRecord: number | undefined;
  /** The last GetRecords came back empty: nothing more to read for now. kinesalite's MillisBehindLatest is always 0, so this is the signal. */
  readonly caughtUp: boolean;
  /** The shard is closed and fully read. */
  readonly ended: boolean;
  readonly recordsRead: number;
}

/** Kinesis caps GetRecords at 10,000 records. */
export const MAX_GET_RECORDS_LIMIT = 10_000;

/**
 * Pull-based reader of one shard: each `read` is at most one GetRecords call. It reopens an expired
 * iterator after the last record it returned, so nothing is skipped or repeated.
 * @example
 * const reader = new ShardReader({ client, streamName, shardId, start: { type: 'TRIM_HORIZON' } });
 * const records = await reader.read(100);
 */
export class ShardReader {
  readonly shardId: string;
  private iterator: string | undefined;
  private opened = false;
  private openedAt: number | undefined;
  private lastSequenceNumber: string | undefined;
  private lastArrival: number | undefined;
  private lastRecordAt: number | undefined;
  private caughtUp = false;
  private endedFlag = false;
  private recordsRead = 0;
  private readonly now: () => number;

  constructor(private readonly options: ShardReaderOptions) {
    this.shardId = options.shardId;
    this.now = options.now ?? Date.now;
  }

  /** True once the shard is closed and every record was returned. */
  get ended(): boolean {
    return this.endedFlag;
  }

  /** Reads up to `limit` records (one GetRecords call); an empty result means caught up for now. */
  async read(limit: number): Promise<StreamRecord[]> {
    if (this.endedFlag) return [];
    if (!this.opened) await this.open();
    if (this.iterator === undefined) {
      this.endedFlag = true;
      return [];
    }
    const bounded = Math.max(1, Math.min(MAX_GET_RECORDS_LIMIT, Math.floor(limit)));
    let output: GetRecordsCommandOutput;
    try {
      output = await this.options.client.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: bounded }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ExpiredIteratorException') throw error;
      // Iterators live 5 minutes; reopen right after the last record handed out.
      await this.open();
      return [];
    }
    this.iterator = output.NextShardIterator ?? undefined;
    const records = (output.Records ?? []).map((record) => this.toStreamRecord(record));
    const last = records.at(-1);
    if (last !== undefined) {
      this.lastSequenceNumber = last.sequenceNumber;
      this.lastArrival = last.approximateArrivalTimestamp.getTime();
      this.lastRecordAt = this.now();
      this.recordsRead += records.length;
    }
    this.caughtUp = records.length === 0;
    if (this.iterator === undefined && records.length === 0) this.endedFlag = true;
    return records;
  }

  /** Lag figures for a status line. */
  lag(): ShardLag {
    const now = this.now();
    return {
      shardId: this.shardId,
      lastSequenceNumber: this.lastSequenceNumber,
      iteratorAgeMs:
        this.caughtUp || this.lastArrival === undefined ? 0 : Math.max(0, now - this.lastArrival),
      msSinceLastRecord: this.lastRecordAt === undefined ? undefined : now - this.lastRecordAt,
      caughtUp: this.caughtUp,
      ended: this.endedFlag,
      recordsRead: this.recordsRead,
    };
  }

  private async open(): Promise<void> {
    const input: GetShardIteratorCommandInput = {
      StreamName: this.options.streamName,
      ShardId: this.options.shardId,
      ...this.iteratorRequest(),
    };
    this.openedAt ??= this.now();
    const output = await this.options.client.send(new GetShardIteratorCommand(input));
    this.iterator = output.ShardIterator ?? undefined;
    this.opened = true;
  }

  private iteratorRequest(): Pick<
    GetShardIteratorCommandInput,
    'ShardIteratorType' | 'StartingSequenceNumber' | 'Timestamp'
  > {
    if (this.lastSequenceNumber !== undefined)
      return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: this.lastSequenceNumber };
    const start = this.options.start;
    switch (start.type) {
      case 'AFTER_SEQUENCE_NUMBER':
        return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: start.sequenceNumber };
      case 'AT_TIMESTAMP':
        return { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: start.timestamp };
      case 'TRIM_HORIZON':
        return { ShardIteratorType: 'TRIM_HORIZON' };
      case 'LATEST':
        // Reopening a LATEST iterator after expiry must not skip what arrived meanwhile.
        return this.opened && this.openedAt !== undefined
          ? { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(this.openedAt) }
          : { ShardIteratorType: 'LATEST' };
      default: {
        const never: never = start;
        throw new Error(`unknown iterator start ${JSON.stringify(never)}`);
      }
    }
  }

  private toStreamRecord(record: KinesisRecord): StreamRecord {
    return {
      shardId: this.options.shardId,
      sequenceNumber: record.SequenceNumber ?? '',
      partitionKey: record.PartitionKey ?? '',
      data: record.Data ?? new Uint8Array(),
      approximateArrivalTimestamp: record.ApproximateArrivalTimestamp ?? new Date(this.now()),
    };
  }
}
