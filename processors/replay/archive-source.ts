import type { Readable } from 'node:stream';

/** One archive object as listed. */
export interface ArchiveObject {
  readonly key: string;
  readonly size: number;
  /** Entity tag when the store has one; a checkpoint uses it to notice a rewritten object. */
  readonly etag?: string;
}

/** Port: where archive objects are listed and read from (S3 on AWS and s3rver locally, a directory in benchmarks). */
export interface ArchiveSource {
  /** A human name for prompts and reports, e.g. `s3://bucket`. */
  readonly description: string;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ArchiveObject>;
  /** The object's raw (still gzipped) bytes as a stream. */
  open(key: string): Promise<Readable>;
}
