import type { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { plainPutRecords } from '../../local/kinesis/index.js';

describe('Function: plainPutRecords', () => {
  it('sends every entry once, in input order, in calls of batchSize, and sums the failed records', async () => {
    const calls: { stream: string; keys: string[] }[] = [];
    let inFlight = 0;
    let peak = 0;
    const client = {
      send: async (command: PutRecordsCommand) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        const records = command.input.Records ?? [];
        calls.push({
          stream: command.input.StreamName ?? '',
          keys: records.map((r) => r.PartitionKey ?? ''),
        });
        return { FailedRecordCount: records.length === 500 ? 1 : 0, Records: [] };
      },
    } as never;
    const entries = Array.from({ length: 1_234 }, (_, n) => ({
      partitionKey: `k${n}`,
      data: new Uint8Array([n % 256]),
    }));
    const failed = await plainPutRecords(client, 'events', entries, { concurrency: 2 });
    expect(failed).toBe(2);
    expect(calls.map((c) => c.keys.length).sort((a, b) => a - b)).toEqual([234, 500, 500]);
    expect(calls.every((c) => c.stream === 'events')).toBe(true);
    expect(calls.flatMap((c) => c.keys).sort()).toEqual(entries.map((e) => e.partitionKey).sort());
    expect(peak).toBe(2);
  });
});
