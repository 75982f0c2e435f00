import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KinesisOnFailureRecord } from './on-failure-record.js';

/** Where discarded batches are recorded (the port; SQS/SNS/S3 on AWS, a file locally). */
export interface OnFailureDestination {
  /** Stores one record; rejects if it could not, and the mapping then retries. */
  send(record: KinesisOnFailureRecord): Promise<void>;
}

/**
 * An on-failure destination that appends one JSON document per line to a file, in order.
 * @example const destination = new NdjsonFileDestination('.local/lambda/processor/on-failure.ndjson');
 */
export class NdjsonFileDestination implements OnFailureDestination {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  send(record: KinesisOnFailureRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    // Chained so concurrent shards never interleave partial lines.
    const write = this.tail.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      await appendFile(this.file, line, 'utf8');
    });
    this.tail = write.catch(() => {});
    return write;
  }
}
