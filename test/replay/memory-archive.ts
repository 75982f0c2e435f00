import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { firehoseObjectKey } from '../../local/firehose/object-key.js';
import type { Envelope } from '../../processors/envelope/index.js';
import type { ArchiveObject, ArchiveSource } from '../../processors/replay/index.js';

/** An archive held in memory: keys → gzipped bytes, listed in key order like S3. */
export class MemoryArchive implements ArchiveSource {
  readonly description = 'memory://archive';
  readonly objects = new Map<string, Buffer>();
  #n = 0;

  /** Adds one object of these envelopes (or raw lines) delivered at `at`; returns its key. */
  put(at: Date, lines: readonly (Envelope | string)[]): string {
    const key = firehoseObjectKey({
      prefix: 'events/',
      deliveryStreamName: 'archive',
      deliveryStreamVersion: 1,
      timestamp: at,
      id: `00000000-0000-4000-8000-${String(this.#n++).padStart(12, '0')}`,
    });
    const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
    this.objects.set(key, gzipSync(`${text}\n`));
    return key;
  }

  putRaw(key: string, bytes: Buffer): void {
    this.objects.set(key, bytes);
  }

  async *list(prefix: string): AsyncIterable<ArchiveObject> {
    for (const key of [...this.objects.keys()].sort()) {
      if (key.startsWith(prefix)) yield { key, size: (this.objects.get(key) as Buffer).length };
    }
  }

  async open(key: string): Promise<Readable> {
    const bytes = this.objects.get(key);
    if (bytes === undefined) throw new Error(`no object ${key}`);
    // Small chunks so lines straddle chunk boundaries.
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 97) chunks.push(bytes.subarray(i, i + 97));
    return Readable.from(chunks);
  }
}
