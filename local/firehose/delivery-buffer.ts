import type { StreamRecord } from '../kinesis/stream-record.js';

/** What one flush delivers: the object body's parts and, per shard, the last sequence number in it. */
export interface BufferedBatch {
  readonly records: readonly StreamRecord[];
  /** Sum of data bytes plus one newline per record (Firehose buffers on incoming size). */
  readonly bytes: number;
  readonly lastSequenceByShard: ReadonlyMap<string, string>;
  /** Arrival time of the oldest record. */
  readonly oldestArrival: Date;
  /** When the first record entered the buffer (ms epoch). */
  readonly openedAt: number;
}

/** Records waiting for the next S3 object, in arrival order per shard. */
export class DeliveryBuffer {
  private records: StreamRecord[] = [];
  private bytes = 0;
  private openedAt: number | undefined;

  /** Adds records read from one shard. */
  add(records: readonly StreamRecord[], now: number): void {
    if (records.length === 0) return;
    this.openedAt ??= now;
    for (const record of records) {
      this.records.push(record);
      this.bytes += record.data.byteLength + 1;
    }
  }

  get size(): number {
    return this.bytes;
  }

  get count(): number {
    return this.records.length;
  }

  /** When the first buffered record arrived here, undefined if empty. */
  get firstAddedAt(): number | undefined {
    return this.openedAt;
  }

  /** True when some buffered record came from `shardId`. */
  holds(shardId: string): boolean {
    return this.records.some((record) => record.shardId === shardId);
  }

  /** Empties the buffer and returns what it held, or undefined if it was empty. */
  drain(): BufferedBatch | undefined {
    const first = this.records[0];
    if (first === undefined || this.openedAt === undefined) return undefined;
    const lastSequenceByShard = new Map<string, string>();
    let oldest = first.approximateArrivalTimestamp;
    for (const record of this.records) {
      lastSequenceByShard.set(record.shardId, record.sequenceNumber);
      if (record.approximateArrivalTimestamp < oldest) oldest = record.approximateArrivalTimestamp;
    }
    const batch: BufferedBatch = {
      records: this.records,
      bytes: this.bytes,
      lastSequenceByShard,
      oldestArrival: oldest,
      openedAt: this.openedAt,
    };
    this.records = [];
    this.bytes = 0;
    this.openedAt = undefined;
    return batch;
  }
}

/** The object body: each record's data followed by a newline, as a Firehose newline-delimiter processor writes. */
export function newlineDelimited(records: readonly StreamRecord[]): Buffer {
  const parts: Buffer[] = [];
  const newline = Buffer.from('\n');
  for (const record of records) {
    parts.push(Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength), newline);
  }
  return Buffer.concat(parts);
}
