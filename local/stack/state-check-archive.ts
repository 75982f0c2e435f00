import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../../processors/files/index.js';
import { firehoseObjectKeyTime } from '../firehose/object-key.js';
import { FileCheckpointStore } from '../kinesis/checkpoint-store.js';
import { compareSequenceNumbers } from '../kinesis/stream-record.js';
import { scanShardEnd } from './state-check-checkpoints.js';

/** Why an archive object cannot be read, or undefined when it is whole: empty, or not a complete GZIP member (pure). */
export function archiveObjectDamage(body: Uint8Array): string | undefined {
  if (body.byteLength === 0) return 'it is empty (0 bytes)';
  try {
    gunzipSync(body);
    return undefined;
  } catch (error) {
    return `it is not whole GZIP (${(error as Error).message}): a write cut short`;
  }
}

/** Inputs of {@link checkArchiveObjects}. */
export interface ArchiveCheckOptions {
  readonly dataDir: string;
  readonly s3: S3Client;
  readonly bucket: string;
  /** The archive's key prefix (`events/`). */
  readonly prefix: string;
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /** The emulated Firehose's checkpoint consumer, rewound when a damaged object's records may be checkpointed. */
  readonly firehoseConsumer: string;
  readonly onRepair: (message: string) => void;
}

/** Where the time of the last archive check is kept: objects written since are the only ones checked next time. */
export function archiveCheckFile(dataDir: string): string {
  return join(dataDir, 'firehose', 'archive-checked.json');
}

const checkFileSchema = z.object({ format: z.literal('archive-check/1'), checkedFrom: z.iso.datetime() });

// Clock granularity of the listing's LastModified, and slack for a write that began just before the last check.
const LAST_MODIFIED_SLACK_MS = 5_000;

/**
 * Finds archive objects a crash left empty or torn, moves each to `<dataDir>/damaged/<bucket>/<key>` (out of the
 * archive, kept for inspection), and rewinds the Firehose's checkpoints to before the object's oldest record (its key
 * is dated by that record's arrival, as local-stack.ts configures the Firehose), so its records are delivered again
 * into a new object. Records after it may be archived twice: the archive is at least once, as Firehose's is.
 * Only objects written since the previous check are read (every one the first time).
 */
export async function checkArchiveObjects(options: ArchiveCheckOptions): Promise<void> {
  const checkedFrom = new Date();
  const since = await previousCheck(options.dataDir);
  let earliestDamaged: Date | undefined;
  for (const { key, lastModified } of await listObjects(options.s3, options.bucket, options.prefix)) {
    if (
      since !== undefined &&
      lastModified !== undefined &&
      lastModified.getTime() < since.getTime() - LAST_MODIFIED_SLACK_MS
    )
      continue;
    const output = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
    const body = (await output.Body?.transformToByteArray()) ?? new Uint8Array();
    const damage = archiveObjectDamage(body);
    if (damage === undefined) continue;
    const movedTo = join(options.dataDir, 'damaged', options.bucket, ...key.split('/'));
    await mkdir(dirname(movedTo), { recursive: true });
    await writeFile(movedTo, body);
    await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key }));
    const time = firehoseObjectKeyTime(key);
    if (time !== undefined && (earliestDamaged === undefined || time < earliestDamaged))
      earliestDamaged = time;
    options.onRepair(
      `archive object s3://${options.bucket}/${key}: ${damage}; moved to ${movedTo}` +
        (time === undefined
          ? ''
          : `; its records are delivered again (from those that arrived at ${time.toISOString()})`),
    );
  }
  if (earliestDamaged !== undefined) await rewindFirehose(options, earliestDamaged);
  await writeJsonFile(archiveCheckFile(options.dataDir), {
    format: 'archive-check/1',
    checkedFrom: checkedFrom.toISOString(),
  });
}

async function previousCheck(dataDir: string): Promise<Date | undefined> {
  // An unreadable record only costs a full check.
  const stored = await readJsonFile(archiveCheckFile(dataDir)).catch(() => undefined);
  const parsed = checkFileSchema.safeParse(stored);
  return parsed.success ? new Date(parsed.data.checkedFrom) : undefined;
}

/** Moves the Firehose's checkpoints back to the last record that arrived before `time`, never forward. */
async function rewindFirehose(options: ArchiveCheckOptions, time: Date): Promise<void> {
  const store = new FileCheckpointStore({
    dataDir: options.dataDir,
    consumer: options.firehoseConsumer,
    streamName: options.streamName,
  });
  await store.load();
  let rewound = false;
  for (const [shardId, checkpoint] of Object.entries(store.snapshot())) {
    if (checkpoint.sequenceNumber === undefined || checkpoint.finished === true) continue;
    const end = await scanShardEnd(
      options.kinesis,
      options.streamName,
      shardId,
      new Date(time.getTime() - 1),
    );
    const target = end.lastArrivedBy;
    if (target !== undefined && compareSequenceNumbers(target, checkpoint.sequenceNumber) >= 0) continue;
    const { sequenceNumber: _from, checkpointedAt: _at, ...kept } = checkpoint;
    store.replace(shardId, target === undefined ? kept : { ...kept, sequenceNumber: target });
    options.onRepair(
      `${store.file}: shard ${shardId} rewound from ${checkpoint.sequenceNumber} to ${target === undefined ? "the shard's oldest record" : `after ${target}`} so the damaged objects' records are archived again`,
    );
    rewound = true;
  }
  if (rewound) await store.flush();
}

/** Every object under `prefix`. ListObjects (V1) with `Marker`: s3rver's V2 continuation tokens fail on Node ≥ 17. */
async function listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ key: string; lastModified: Date | undefined }[]> {
  const objects: { key: string; lastModified: Date | undefined }[] = [];
  let marker: string | undefined;
  let pages = 0;
  // Bounded by the number of objects (each page starts after the last key of the one before), and by a page count.
  do {
    pages += 1;
    if (pages > 100_000) throw new Error(`listing s3://${bucket}/${prefix} exceeded 100000 pages`);
    const page = await s3.send(
      new ListObjectsCommand({
        Bucket: bucket,
        Prefix: prefix,
        ...(marker === undefined ? {} : { Marker: marker }),
      }),
    );
    const contents = page.Contents ?? [];
    for (const object of contents)
      if (object.Key !== undefined) objects.push({ key: object.Key, lastModified: object.LastModified });
    marker = page.IsTruncated === true ? (page.NextMarker ?? contents.at(-1)?.Key) : undefined;
  } while (marker !== undefined);
  return objects;
}
