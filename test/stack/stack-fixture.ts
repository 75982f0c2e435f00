import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { type Envelope, encodeEnvelope } from '../../processors/envelope/index.js';

/** A fresh temporary data directory. */
export function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'stack-test-'));
}

/** Writes envelopes with PutRecords (partition key = aggregateId), ≤ 500 per call, in order; throws on any failed record. */
export async function putEnvelopes(
  client: KinesisClient,
  streamName: string,
  envelopes: readonly Envelope[],
) {
  for (let start = 0; start < envelopes.length; start += 500) {
    const chunk = envelopes.slice(start, start + 500);
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: chunk.map((e) => ({ Data: encodeEnvelope(e), PartitionKey: e.aggregateId })),
      }),
    );
    if ((output.FailedRecordCount ?? 0) > 0) throw new Error(`${output.FailedRecordCount} records failed`);
  }
}

/** Polls `check` until it returns true; rejects with `what` after `timeoutMs` (a bound, not a timed assertion). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  // Bounded by the deadline.
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Swaps each pair (i, i+1) for i ≡ 1 (mod 4), so every aggregate sees out-of-order arrivals. */
export function withSwaps<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = 1; i + 1 < out.length; i += 4) [out[i], out[i + 1]] = [out[i + 1] as T, out[i] as T];
  return out;
}
