import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { ENDPOINTS_FILE, makeFilePrivate } from '../endpoints/index.js';
import { createS3rverClient } from '../firehose/s3-client.js';
import type { LocalStackSettings } from './stack-settings.js';
import { checkArchiveObjects } from './state-check-archive.js';
import { checkCheckpoints } from './state-check-checkpoints.js';
import { checkQueueFiles } from './state-check-queues.js';

/** Inputs of {@link checkLocalState}. */
export interface LocalStateCheckOptions {
  readonly dataDir: string;
  readonly settings: LocalStackSettings;
  /** A client of the stack's kinesalite, the stream already ACTIVE. */
  readonly kinesis: KinesisClient;
  /** The stack's s3rver. */
  readonly s3Endpoint: string;
  /** Told what was repaired, one line each. */
  readonly onRepair: (message: string) => void;
}

/**
 * The local stack's start-up check of its own state, run once the emulators are up and before any reader, queue or
 * listener starts (docs/local-stack.md, "State check at start"): an `endpoints.json` others may read, torn queue
 * lines, checkpoints beyond the stream's end or unusable, empty or torn archive objects. Each fault is repaired with a line saying what was done, or refused
 * with a DataDirError naming the file and the fix.
 */
export async function checkLocalState(options: LocalStateCheckOptions): Promise<void> {
  const { dataDir, settings, kinesis, onRepair } = options;
  // Rewritten 0600 once the stack is ready; until then an older version's copy holds the same token.
  const endpoints = join(dataDir, ENDPOINTS_FILE);
  if (await makeFilePrivate(endpoints))
    onRepair(`made ${endpoints} readable by its owner only (0600): it holds the ingest token`);
  await checkQueueFiles(dataDir, onRepair);
  await checkCheckpoints({ dataDir, client: kinesis, streamName: settings.names.stream, onRepair });
  const s3 = createS3rverClient({ endpoint: options.s3Endpoint, region: settings.region });
  try {
    await checkArchiveObjects({
      dataDir,
      s3,
      bucket: settings.names.bucket,
      prefix: settings.archive.prefix,
      kinesis,
      streamName: settings.names.stream,
      firehoseConsumer: firehoseConsumerName(settings.names.firehose),
      onRepair,
    });
  } finally {
    s3.destroy();
  }
}

/** The emulated Firehose's checkpoint consumer (FirehoseDeliveryStream's default `consumerName`). */
function firehoseConsumerName(deliveryStreamName: string): string {
  return `firehose-${deliveryStreamName}`;
}
