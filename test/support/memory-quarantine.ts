import type { Quarantine, QuarantineRecord } from '../../processors/quarantine/index.js';

/** Keeps quarantined records in memory, keyed like the S3 objects (so redeliveries overwrite). */
export class MemoryQuarantine implements Quarantine {
  readonly records = new Map<string, QuarantineRecord>();
  failNext = 0;

  async put(record: QuarantineRecord): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('injected: quarantine unavailable');
    }
    this.records.set(`${record.shardId}/${record.sequenceNumber}`, record);
  }
}
