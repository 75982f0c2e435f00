import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { KinesisReaderError } from './errors.js';

/** Thrown when a new stream is still not ACTIVE after the polls allowed. */
export class StreamNotActiveError extends KinesisReaderError {
  override readonly name = 'StreamNotActiveError';
}

/** Creates a stream and resolves once it is ACTIVE (kinesalite: at once; AWS: seconds), polling up to `attempts` times. */
export async function createActiveStream(
  client: KinesisClient,
  name: string,
  shards: number,
  { attempts = 100, intervalMs = 20 }: { attempts?: number; intervalMs?: number } = {},
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < attempts; i++) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new StreamNotActiveError(`stream ${name} did not become ACTIVE after ${attempts} polls`);
}
