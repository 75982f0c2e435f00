import { join } from 'node:path';
import { z } from 'zod';
import { JsonFileError, readJsonFile, writeJsonFile } from '../../processors/files/index.js';
import { InvalidFirehoseOptionsError } from './errors.js';

const FORMAT = 'firehose-delivery-start/1';

const fileSchema = z.object({
  format: z.literal(FORMAT),
  deliveryStreamName: z.string(),
  streamName: z.string(),
  deliveryStartTimestamp: z.iso.datetime(),
});

/** Inputs of {@link resolveDeliveryStart}. */
export interface DeliveryStartOptions {
  readonly dataDir: string;
  readonly deliveryStreamName: string;
  readonly streamName: string;
  /** True when the delivery stream's checkpoints hold nothing (it never ran on this data directory). */
  readonly neverRan: boolean;
  readonly now: () => Date;
}

/** Where the delivery start of one local delivery stream is kept. */
export function deliveryStartFile(dataDir: string, deliveryStreamName: string): string {
  return join(dataDir, 'firehose', `${deliveryStreamName}.delivery-start.json`);
}

/**
 * The instant this local delivery stream was "created", from which it reads its source stream: AWS Firehose reads a
 * Kinesis source from LATEST when it is created and reports that instant as `DeliveryStartTimestamp`
 * (https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html,
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_KinesisStreamSourceDescription.html). Locally, creation
 * is the first start on a data directory; the instant is persisted so later starts resume from checkpoints or from
 * it. Records are kept by their arrival against it (rather than read from a LATEST iterator taken a moment later),
 * so nothing written right after the start is lost. A data directory whose checkpoints predate this file started at
 * the beginning.
 */
export async function resolveDeliveryStart(options: DeliveryStartOptions): Promise<Date> {
  const file = deliveryStartFile(options.dataDir, options.deliveryStreamName);
  const stored = await readJsonFile(file).catch((error: unknown) => {
    if (error instanceof JsonFileError) return null;
    throw error;
  });
  if (stored !== undefined) {
    const parsed = fileSchema.safeParse(stored);
    if (!parsed.success) {
      throw new InvalidFirehoseOptionsError(`${file} is not a delivery start file of this version`);
    }
    if (parsed.data.streamName !== options.streamName) {
      throw new InvalidFirehoseOptionsError(
        `${file} belongs to stream ${parsed.data.streamName}, not ${options.streamName}`,
      );
    }
    return new Date(parsed.data.deliveryStartTimestamp);
  }
  const start = options.neverRan ? options.now() : new Date(0);
  const content = {
    format: FORMAT,
    deliveryStreamName: options.deliveryStreamName,
    streamName: options.streamName,
    deliveryStartTimestamp: start.toISOString(),
  };
  await writeJsonFile(file, content);
  return start;
}
