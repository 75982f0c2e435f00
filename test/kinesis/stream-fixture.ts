import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';

let streamCounter = 0;

/** Creates a fresh stream with a unique name and returns the name. */
export async function createTestStream(client: KinesisClient, shardCount = 1): Promise<string> {
  streamCounter += 1;
  const name = `test-${process.pid}-${streamCounter}-${Date.now()}`;
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  await waitUntil(async () => {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
  }, `stream ${name} to become ACTIVE`);
  return name;
}

/** Puts `payloads` in order (one PutRecords per call) and returns their sequence numbers and shards. */
export async function putPayloads(
  client: KinesisClient,
  streamName: string,
  payloads: readonly string[],
  partitionKey: (index: number) => string = () => 'key',
): Promise<{ sequenceNumber: string; shardId: string; payload: string }[]> {
  const output = await client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: payloads.map((payload, index) => ({
        Data: Buffer.from(payload),
        PartitionKey: partitionKey(index),
      })),
    }),
  );
  return (output.Records ?? []).map((entry, index) => ({
    sequenceNumber: entry.SequenceNumber ?? '',
    shardId: entry.ShardId ?? '',
    payload: payloads[index] ?? '',
  }));
}

/** Polls `predicate` until true; rejects with `what` after `timeoutMs` so a stuck pipeline fails the test. */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
