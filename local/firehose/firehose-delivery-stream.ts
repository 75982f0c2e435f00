import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Link, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type Backoff, backoffDelayMs } from '../../processors/retry/backoff.js';
import {
  MAX_LINKS_PER_SPAN,
  MessagingAttribute,
  MessagingOperationType,
  MessagingSystem,
  PipelineAttribute,
  SpanName,
  spanContextFromTraceFields,
  TRACING_OFF,
  type Tracing,
} from '../../processors/tracing/index.js';
import { abortableSleep } from '../kinesis/abortable-sleep.js';
import { type CheckpointStore, FileCheckpointStore } from '../kinesis/checkpoint-store.js';
import type { ShardLag } from '../kinesis/shard-reader.js';
import { StartingPosition } from '../kinesis/starting-position.js';
import { KinesisStreamPoller, type ShardLease } from '../kinesis/stream-poller.js';
import type { StreamRecord } from '../kinesis/stream-record.js';
import { envelopeTraceOfBytes } from '../traces/envelope-trace.js';
import { type BufferedBatch, DeliveryBuffer, newlineDelimited } from './delivery-buffer.js';
import { resolveDeliveryStart } from './delivery-start.js';
import { FirehoseDeliveryError, InvalidFirehoseOptionsError } from './errors.js';
import { firehoseObjectKey } from './object-key.js';

const gzip = promisify(gzipCallback);

/** Options of {@link FirehoseDeliveryStream}. */
export interface FirehoseDeliveryStreamOptions {
  /** Delivery stream name; it appears in every object key. */
  readonly name: string;
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix before `YYYY/MM/DD/HH/`. @default 'events/' */
  readonly prefix?: string;
  /** Data directory for checkpoints. */
  readonly dataDir: string;
  /** Buffer size hint in MiB (Firehose: 1–128). Shortened default for local use. @default 1 */
  readonly bufferSizeMiB?: number;
  /** Buffer interval hint in seconds (Firehose: 0–900). Shortened default for local use. @default 5 */
  readonly bufferIntervalSeconds?: number;
  /** Delivery stream version in keys. @default 1 */
  readonly version?: number;
  /**
   * Time the hour folder and suffix are built from: the approximate arrival of the oldest record in the object, as
   * Firehose evaluates `!{timestamp:…}` (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html), or the
   * delivery time. @default 'oldestRecordArrival'
   */
  readonly keyTimestamp?: 'delivery' | 'oldestRecordArrival';
  /**
   * Where a new delivery stream starts reading. `LATEST`, as Firehose with a Kinesis source: from its creation, which
   * locally is its first start on the data directory (see delivery-start.ts). `TRIM_HORIZON`: from the oldest record.
   * @default 'LATEST'
   */
  readonly startingPosition?: Exclude<StartingPosition, 'AT_TIMESTAMP'>;
  /** Checkpoint consumer name. @default `firehose-<name>` */
  readonly consumerName?: string;
  readonly checkpoints?: CheckpointStore;
  /** Most records per GetRecords. @default 1000 */
  readonly readLimit?: number;
  /** Pause between GetRecords calls on a caught-up shard. @default 250 */
  readonly pollIntervalMs?: number;
  /** First S3 retry delay, doubled per attempt up to `maxRetryDelayMs`. @default 200 */
  readonly retryDelayMs?: number;
  /** @default 5000 */
  readonly maxRetryDelayMs?: number;
  /** Attempts per object once `stop()` is flushing (while running it retries without limit). @default 5 */
  readonly stopFlushAttempts?: number;
  /** @default 5000 */
  readonly shardDiscoveryIntervalMs?: number;
  /** Told about S3 failures and read errors. @default ignore */
  readonly onError?: (error: unknown) => void;
  /** Clock, replaceable in tests. @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Records an `archive <stream>` span per object, linked to every record's envelope context (docs/tracing.md).
   * @default TRACING_OFF
   */
  readonly tracing?: Tracing;
}

/** Counters for the status line. */
export interface FirehoseStats {
  /** Records in objects written to S3 (and checkpointed). */
  readonly recordsArchived: number;
  readonly objectsWritten: number;
  /** Compressed bytes written. */
  readonly bytesWritten: number;
  /** Uncompressed bytes (data plus newlines) written. */
  readonly bytesIn: number;
  /** PutObject calls that failed (each retried). */
  readonly putFailures: number;
  /** Records buffered or being written. */
  readonly recordsBuffered: number;
  readonly lastObjectKey: string | undefined;
}

/**
 * Emulated Firehose delivery stream with a Kinesis source and an S3 destination: reads the stream from its
 * own checkpoint (from its creation on, like Firehose), buffers by size and interval, and writes one GZIP object of
 * newline-delimited records per flush under Firehose's key layout, dated by the oldest record's arrival. S3 failures are retried with back-off; a shard's checkpoint advances
 * only after the object holding its records is written whole (its size read back), so a crash re-delivers (at least
 * once), never loses; a torn object a crash leaves behind is moved aside at the next start (local/stack/state-check.ts).
 * @example
 * const firehose = new FirehoseDeliveryStream({ name: 'archive', kinesis, streamName: 'events', s3,
 *   bucket: 'archive', dataDir: '.local' });
 * await firehose.start();
 */
export class FirehoseDeliveryStream {
  private readonly o: Required<
    Omit<FirehoseDeliveryStreamOptions, 'checkpoints' | 'bufferSizeMiB' | 'bufferIntervalSeconds'>
  > & { readonly bufferBytes: number; readonly intervalMs: number };
  private readonly checkpoints: CheckpointStore;
  private readonly backoff: Backoff;
  private poller: KinesisStreamPoller | undefined;
  /** Records that arrived before this (ms) predate the delivery stream and are not archived; unset with TRIM_HORIZON. */
  private deliveryStart: number | undefined;
  private readonly buffer = new DeliveryBuffer();
  private inFlight: BufferedBatch | undefined;
  private controller = new AbortController();
  private wakeController = new AbortController();
  private flushing: Promise<void> | undefined;
  private failed: FirehoseDeliveryError | undefined;
  private readonly counters = {
    recordsArchived: 0,
    objectsWritten: 0,
    bytesWritten: 0,
    bytesIn: 0,
    putFailures: 0,
    lastObjectKey: undefined as string | undefined,
  };

  constructor(options: FirehoseDeliveryStreamOptions) {
    const sizeMiB = options.bufferSizeMiB ?? 1;
    const intervalSeconds = options.bufferIntervalSeconds ?? 5;
    if (!(sizeMiB > 0 && sizeMiB <= 128))
      throw new InvalidFirehoseOptionsError(`bufferSizeMiB must be in (0, 128], got ${sizeMiB}`);
    if (!(intervalSeconds >= 0 && intervalSeconds <= 900))
      throw new InvalidFirehoseOptionsError(`bufferIntervalSeconds must be 0-900, got ${intervalSeconds}`);
    const position = options.startingPosition ?? StartingPosition.LATEST;
    if (position !== StartingPosition.LATEST && position !== StartingPosition.TRIM_HORIZON)
      throw new InvalidFirehoseOptionsError(
        `startingPosition must be LATEST or TRIM_HORIZON, got ${position}`,
      );
    this.o = {
      name: options.name,
      kinesis: options.kinesis,
      streamName: options.streamName,
      s3: options.s3,
      bucket: options.bucket,
      prefix: options.prefix ?? 'events/',
      dataDir: options.dataDir,
      bufferBytes: Math.floor(sizeMiB * 1024 * 1024),
      intervalMs: intervalSeconds * 1000,
      version: options.version ?? 1,
      keyTimestamp: options.keyTimestamp ?? 'oldestRecordArrival',
      startingPosition: options.startingPosition ?? StartingPosition.LATEST,
      consumerName: options.consumerName ?? `firehose-${options.name}`,
      readLimit: options.readLimit ?? 1000,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      retryDelayMs: options.retryDelayMs ?? 200,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 5000,
      stopFlushAttempts: options.stopFlushAttempts ?? 5,
      shardDiscoveryIntervalMs: options.shardDiscoveryIntervalMs ?? 5000,
      onError: options.onError ?? (() => {}),
      now: options.now ?? (() => new Date()),
      tracing: options.tracing ?? TRACING_OFF,
    };
    // The local S3 retry delay, doubled per attempt: not randomized, so tests can predict it.
    this.backoff = { baseDelayMs: this.o.retryDelayMs, maxDelayMs: this.o.maxRetryDelayMs, jitter: 'none' };
    this.checkpoints =
      options.checkpoints ??
      new FileCheckpointStore({
        dataDir: this.o.dataDir,
        consumer: this.o.consumerName,
        streamName: this.o.streamName,
      });
  }

  /** Starts reading every shard (from checkpoints, else from the delivery stream's creation) and the flush timer. */
  async start(): Promise<void> {
    this.controller = new AbortController();
    this.failed = undefined;
    this.poller ??= await this.createPoller();
    await this.poller.start();
    this.flushing = this.flushLoop();
  }

  private async createPoller(): Promise<KinesisStreamPoller> {
    if (this.o.startingPosition === StartingPosition.LATEST) {
      await this.checkpoints.load();
      this.deliveryStart = (
        await resolveDeliveryStart({
          dataDir: this.o.dataDir,
          deliveryStreamName: this.o.name,
          streamName: this.o.streamName,
          neverRan: this.checkpoints.isEmpty(),
          // The emulator's wall clock, which stamps arrivals; `now` only dates object keys in tests.
          now: () => new Date(),
        })
      ).getTime();
    }
    // "From creation" is read from the oldest record and filtered by arrival, not opened AT_TIMESTAMP: kinesalite
    // answers an AT_TIMESTAMP iterator only once a record at or after the timestamp exists.
    return new KinesisStreamPoller({
      client: this.o.kinesis,
      streamName: this.o.streamName,
      checkpoints: this.checkpoints,
      startingPosition: StartingPosition.TRIM_HORIZON,
      shardDiscoveryIntervalMs: this.o.shardDiscoveryIntervalMs,
      errorBackoffMs: this.o.retryDelayMs,
      onError: (error) => this.o.onError(error),
      consumeShard: (lease) => this.consumeShard(lease),
    });
  }

  /**
   * Stops reading, then writes what is buffered (a bounded number of attempts) and flushes checkpoints.
   * Rejects with FirehoseDeliveryError if an object could not be written: its records were not
   * checkpointed and are read again on the next start; no partial object is left in S3.
   */
  async stop(): Promise<void> {
    this.controller.abort();
    this.wakeController.abort();
    await this.poller?.stop();
    await this.flushing;
    this.flushing = undefined;
    if (this.failed === undefined) {
      const rest = this.buffer.drain();
      if (rest !== undefined) await this.deliver(rest, this.o.stopFlushAttempts);
    }
    await this.checkpoints.flush();
    if (this.failed !== undefined) throw this.failed;
  }

  /** A copy of the counters. */
  stats(): FirehoseStats {
    return {
      ...this.counters,
      recordsBuffered: this.buffer.count + (this.inFlight?.records.length ?? 0),
    };
  }

  /** Per-shard lag for the status line. */
  lag(): ShardLag[] {
    return this.poller?.lag() ?? [];
  }

  private async consumeShard(lease: ShardLease): Promise<void> {
    // Bounded by stop() and by the shard's end.
    while (!lease.signal.aborted) {
      if (this.buffer.size >= this.o.bufferBytes) {
        // Back-pressure: wait for the flush to take the full buffer.
        this.wake();
        await lease.sleep(10);
        continue;
      }
      const read = await lease.reader.read(this.o.readLimit);
      const start = this.deliveryStart;
      const records =
        start === undefined ? read : read.filter((r) => r.approximateArrivalTimestamp.getTime() >= start);
      if (read.length > 0 && records.length === 0) continue;
      if (records.length > 0) {
        this.buffer.add(records, Date.now());
        if (this.buffer.size >= this.o.bufferBytes) this.wake();
        continue;
      }
      if (lease.reader.ended) {
        // The poller marks the shard finished when this returns: only once its records are in S3.
        while (
          !lease.signal.aborted &&
          (this.buffer.holds(lease.shardId) || this.holdsInFlight(lease.shardId))
        )
          await lease.sleep(20);
        return;
      }
      await lease.sleep(this.o.pollIntervalMs);
    }
  }

  private holdsInFlight(shardId: string): boolean {
    return this.inFlight?.lastSequenceByShard.has(shardId) ?? false;
  }

  private wake(): void {
    this.wakeController.abort();
  }

  private async flushLoop(): Promise<void> {
    const signal = this.controller.signal;
    // Bounded by stop(): each pass sleeps until the interval or a size trigger, then writes at most one object.
    while (!signal.aborted) {
      const first = this.buffer.firstAddedAt;
      const due =
        this.buffer.size >= this.o.bufferBytes ||
        (first !== undefined && Date.now() - first >= this.o.intervalMs);
      if (!due) {
        if (this.wakeController.signal.aborted) this.wakeController = new AbortController();
        const wait = first === undefined ? this.o.intervalMs : this.o.intervalMs - (Date.now() - first);
        await abortableSleep(
          Math.max(1, Math.min(wait, 1000)),
          AbortSignal.any([signal, this.wakeController.signal]),
        );
        continue;
      }
      const batch = this.buffer.drain();
      if (batch === undefined) continue;
      // While running, retry without limit; stop() interrupts and takes over with bounded attempts.
      const delivered = await this.deliver(batch, Number.POSITIVE_INFINITY, signal);
      if (!delivered && this.failed === undefined) await this.deliver(batch, this.o.stopFlushAttempts);
      if (this.failed !== undefined) return;
    }
  }

  /**
   * The object's span, from the moment its first record was buffered: a CONSUMER span on a new trace (an object
   * gathers many events, as a processor batch does), linked to each record's envelope context. Records that are
   * not an envelope with a valid `traceparent` get no link. An object of more records than a span may link (5 MiB
   * of small records is tens of thousands) gets one span per {@link MAX_LINKS_PER_SPAN} links, so none is dropped.
   */
  private startArchiveSpans(batch: BufferedBatch, key: string): Span[] {
    const links: Link[] = [];
    for (const record of batch.records) {
      const link = recordLink(record);
      if (link !== undefined) links.push(link);
    }
    const spans: Span[] = [];
    for (let start = 0; start === 0 || start < links.length; start += MAX_LINKS_PER_SPAN)
      spans.push(this.startArchiveSpan(batch, key, links.slice(start, start + MAX_LINKS_PER_SPAN)));
    return spans;
  }

  private startArchiveSpan(batch: BufferedBatch, key: string, links: Link[]): Span {
    return this.o.tracing.tracer.startSpan(SpanName.archiveObject(this.o.streamName), {
      kind: SpanKind.CONSUMER,
      root: true,
      startTime: batch.openedAt,
      links,
      attributes: {
        [MessagingAttribute.system]: MessagingSystem.firehose,
        [MessagingAttribute.operationType]: MessagingOperationType.process,
        [MessagingAttribute.operationName]: 'archive',
        [MessagingAttribute.destinationName]: this.o.streamName,
        [MessagingAttribute.consumerGroupName]: this.o.name,
        [MessagingAttribute.batchMessageCount]: batch.records.length,
        [PipelineAttribute.objectKey]: key,
      },
    });
  }

  /**
   * Checks the object holds every byte before its records are checkpointed. S3 never adds a partial object once it
   * answers success (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html), but s3rver answers before
   * its write to disk ends and writes in place: a crash right after the answer would leave a torn object whose records
   * were already checkpointed, lost to the archive. A short object is written again, under the same key.
   */
  private async confirmWhole(key: string, bytes: number): Promise<void> {
    const head = await this.o.s3.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: key }));
    if (head.ContentLength !== bytes)
      throw new FirehoseDeliveryError(key, 0, {
        cause: new Error(`${key} holds ${head.ContentLength ?? 'no'} of its ${bytes} bytes after PutObject`),
      });
  }

  /** Writes one object, retrying with back-off; on success checkpoints each shard it holds. */
  private async deliver(batch: BufferedBatch, maxAttempts: number, signal?: AbortSignal): Promise<boolean> {
    this.inFlight = batch;
    try {
      const now = this.o.now();
      const key = firehoseObjectKey({
        prefix: this.o.prefix,
        deliveryStreamName: this.o.name,
        deliveryStreamVersion: this.o.version,
        timestamp: this.o.keyTimestamp === 'delivery' ? now : batch.oldestArrival,
        id: randomUUID(),
      });
      const body = await gzip(newlineDelimited(batch.records));
      const spans = this.o.tracing.enabled ? this.startArchiveSpans(batch, key) : [];
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.o.s3.send(
            new PutObjectCommand({
              Bucket: this.o.bucket,
              Key: key,
              Body: body,
              ContentType: 'application/x-ndjson',
              ContentEncoding: 'gzip',
            }),
          );
          await this.confirmWhole(key, body.byteLength);
        } catch (error) {
          this.counters.putFailures += 1;
          this.o.onError(new FirehoseDeliveryError(key, batch.records.length, { cause: error }));
          for (const span of spans) span.recordException(error as Error);
          if (attempt >= maxAttempts) {
            this.failed = new FirehoseDeliveryError(key, batch.records.length, { cause: error });
            endWithError(spans, this.failed.message);
            return false;
          }
          await abortableSleep(backoffDelayMs(attempt, this.backoff, 0), signal);
          if (signal?.aborted) {
            // stop() writes the same records again, under a new key and span.
            endWithError(spans, `stopped before ${key} was written; its records are delivered again`);
            return false;
          }
          continue;
        }
        for (const [shardId, sequenceNumber] of batch.lastSequenceByShard)
          this.checkpoints.set(shardId, { sequenceNumber });
        this.counters.recordsArchived += batch.records.length;
        this.counters.objectsWritten += 1;
        this.counters.bytesWritten += body.byteLength;
        this.counters.bytesIn += batch.bytes;
        this.counters.lastObjectKey = key;
        for (const span of spans) span.end();
        return true;
      }
    } finally {
      this.inFlight = undefined;
    }
  }
}

/** The link to a record's envelope context, with its per-event attributes; undefined without one. */
function recordLink(record: StreamRecord): Link | undefined {
  const envelope = envelopeTraceOfBytes(record.data, MessagingSystem.kinesis);
  if (envelope === undefined) return undefined;
  const context = spanContextFromTraceFields(envelope.fields);
  if (context === undefined) return undefined;
  return {
    context,
    attributes: {
      ...envelope.attributes,
      [PipelineAttribute.shardId]: record.shardId,
      [PipelineAttribute.kinesisSequenceNumber]: record.sequenceNumber,
    },
  };
}

function endWithError(spans: readonly Span[], message: string): void {
  for (const span of spans) {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.end();
  }
}
