import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { ProducerEntry } from '../../processors/producer/types.js';
import { mapWithConcurrency } from '../../processors/store/map-with-concurrency.js';

/** Options of {@link plainPutRecords}. */
export interface PlainPutRecordsOptions {
  /** PutRecords calls in flight. @default 4 */
  readonly concurrency?: number;
  /** Records per call (PutRecords takes at most 500). @default 500 */
  readonly batchSize?: number;
}

/**
 * An emulator's raw write ceiling and the producer benchmark's baseline: entries in calls of `batchSize` records in
 * input order, `concurrency` calls in flight, no per-key ordering and no retries. Resolves to the records that failed.
 */
export async function plainPutRecords(
  client: Pick<KinesisClient, 'send'>,
  streamName: string,
  entries: readonly ProducerEntry[],
  options: PlainPutRecordsOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const batches: ProducerEntry[][] = [];
  for (let i = 0; i < entries.length; i += batchSize) batches.push(entries.slice(i, i + batchSize));
  const failed = await mapWithConcurrency(batches, options.concurrency ?? 4, async (batch) => {
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: batch.map((e) => ({ PartitionKey: e.partitionKey, Data: e.data })),
      }),
    );
    return output.FailedRecordCount ?? 0;
  });
  return failed.reduce((sum, n) => sum + n, 0);
}
