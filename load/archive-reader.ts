import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3ArchiveSource } from '../processors/replay/s3-archive-source.js';
import { type EventCounter, envelopeIn } from './event-counter.js';

/** The `<prefix>YYYY/MM/DD/HH/` folders from `since` to `until` (UTC), one per hour (pure). */
export function hourPrefixes(prefix: string, since: Date, until: Date): string[] {
  const prefixes: string[] = [];
  const pad = (n: number) => String(n).padStart(2, '0');
  const start = Math.floor(since.getTime() / 3_600_000);
  const end = Math.floor(until.getTime() / 3_600_000);
  for (let hour = start; hour <= end && prefixes.length < 10_000; hour++) {
    const t = new Date(hour * 3_600_000);
    prefixes.push(
      `${prefix}${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}/${pad(t.getUTCHours())}/`,
    );
  }
  return prefixes;
}

/**
 * Reads the archive incrementally: each poll lists the hour folders since the run began and reads only
 * objects not read before (GZIP, one envelope per line), counting this run's eventIds.
 */
export class ArchiveReader {
  readonly #read = new Set<string>();
  readonly #source: S3ArchiveSource;

  constructor(
    private readonly options: {
      readonly s3: S3Client;
      readonly bucket: string;
      readonly prefix: string;
      readonly since: Date;
      readonly counter: EventCounter;
    },
  ) {
    this.#source = new S3ArchiveSource({ client: options.s3, bucket: options.bucket });
  }

  /** Objects read so far. */
  get objects(): number {
    return this.#read.size;
  }

  /** Reads the objects written since the last poll. */
  async poll(now = new Date()): Promise<void> {
    // A minute of slack either side: objects are keyed by their write time, which trails the events.
    const since = new Date(this.options.since.getTime() - 60_000);
    for (const prefix of hourPrefixes(this.options.prefix, since, new Date(now.getTime() + 60_000))) {
      for await (const object of this.#source.list(prefix)) {
        if (this.#read.has(object.key)) continue;
        const output = await this.options.s3.send(
          new GetObjectCommand({ Bucket: this.options.bucket, Key: object.key }),
        );
        const bytes = await output.Body?.transformToByteArray();
        if (bytes === undefined) continue;
        const text = gunzipSync(bytes).toString('utf8');
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          try {
            const envelope = envelopeIn(JSON.parse(line));
            if (envelope !== undefined) this.options.counter.add(envelope);
          } catch {
            // A line that is not JSON is not one of ours; the archive check counts only this run's events.
          }
        }
        this.#read.add(object.key);
      }
    }
  }
}
