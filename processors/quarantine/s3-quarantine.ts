import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Quarantine, type QuarantineRecord, quarantineKey } from './quarantine-record.js';

/** Options of the S3 quarantine. */
export interface S3QuarantineOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** @default 'quarantine/' */
  readonly prefix?: string;
}

/** Writes each quarantined record as one JSON object in S3. */
export class S3Quarantine implements Quarantine {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3QuarantineOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'quarantine/';
  }

  keyOf(record: QuarantineRecord): string {
    return quarantineKey(this.#prefix, record);
  }

  async put(record: QuarantineRecord): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.keyOf(record),
        Body: JSON.stringify(record),
        ContentType: 'application/json',
      }),
    );
  }
}
