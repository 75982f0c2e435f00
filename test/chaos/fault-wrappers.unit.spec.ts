import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { InvalidLoadOptionsError } from '../../load/errors.js';
import { parseLoadOptions } from '../../load/options.js';
import {
  FaultInjector,
  InjectedProcessorCrash,
  ProcessorCrashes,
  withPutEventsFaults,
} from '../../local/faults/index.js';
import type { KinesisStreamFunction } from '../../local/lambda/index.js';
import type { PutEventsRequestEntry } from '../../processors/bus-bridge/event-bus-port.js';

const entries = (n: number): PutEventsRequestEntry[] =>
  Array.from({ length: n }, (_, i) => ({ Source: 's', DetailType: 'd', Detail: `{"i":${i}}` }));

describe('withPutEventsFaults', () => {
  it('fails some entries as AWS does: FailedEntryCount > 0, ErrorCode in their places, the others put', async () => {
    const put: PutEventsRequestEntry[] = [];
    const bus = withPutEventsFaults(
      {
        putEvents: async (batch) => {
          put.push(...batch);
          return { FailedEntryCount: 0, Entries: batch.map((_, i) => ({ EventId: `id-${put.length + i}` })) };
        },
      },
      new FaultInjector({ rate: 1, kinds: ['put-events-partial'], seed: 5 }),
    );
    const request = entries(10);
    const result = await bus.putEvents(request);
    const failed = result.Entries.filter((e) => e.ErrorCode !== undefined);
    expect(result.Entries).toHaveLength(10);
    expect(result.FailedEntryCount).toBe(failed.length);
    expect(failed.length).toBeGreaterThan(0);
    for (const entry of failed) expect(['ThrottlingException', 'InternalFailure']).toContain(entry.ErrorCode);
    // Exactly the entries that succeeded reached the bus, in order.
    expect(put).toEqual(request.filter((_, i) => result.Entries[i]?.ErrorCode === undefined));
  });

  it('passes calls through untouched when the fault does not fire', async () => {
    const bus = withPutEventsFaults(
      { putEvents: async (batch) => ({ FailedEntryCount: 0, Entries: batch.map(() => ({ EventId: 'x' })) }) },
      new FaultInjector({ rate: 0 }),
    );
    expect((await bus.putEvents(entries(3))).FailedEntryCount).toBe(0);
  });
});

describe('ProcessorCrashes', () => {
  /** A handler that makes `writes` PutItem calls through a gated client that never reaches a server. */
  function setup(writes: number) {
    const injector = new FaultInjector({ rate: 1, kinds: ['processor-crash'], seed: 2 });
    const crashes = new ProcessorCrashes(injector);
    const client = new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const landed: number[] = [];
    // Stands in for the network: a write that passes the gate "lands".
    client.middlewareStack.add(
      (() => async () => {
        landed.push(landed.length);
        return { output: { $metadata: {} } };
      }) as never,
      { step: 'initialize', priority: 'low', name: 'fakeServer' },
    );
    crashes.gate(client);
    let finished = false;
    const handler: KinesisStreamFunction = async () => {
      for (let i = 0; i < writes; i++)
        await client.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: String(i) } } }));
      finished = true;
      return { batchItemFailures: [] };
    };
    return { injector, invoke: crashes.wrap(handler), landed, finished: () => finished };
  }

  it('fails the invocation after 0–2 writes, and refuses every later write of it', async () => {
    const { injector, invoke, landed, finished } = setup(10);
    const error = await invoke({ Records: [] }, {} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InjectedProcessorCrash);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(landed.length).toBeLessThanOrEqual(2);
    expect(finished()).toBe(false);
    expect(injector.counts()['processor-crash']).toBe(1);
  });

  it('a batch with fewer writes crashes after its last write, before the response', async () => {
    const { invoke, landed } = setup(0);
    await expect(invoke({ Records: [] }, {} as never)).rejects.toBeInstanceOf(InjectedProcessorCrash);
    expect(landed).toEqual([]);
  });
});

describe('load options: chaos', () => {
  it('the chaos scenario gets faults (rare kinds at a higher default rate); the seed follows --seed', () => {
    const options = parseLoadOptions(['--scenario', 'chaos', '--seed', '9']);
    expect(options.faults).toMatchObject({
      rate: 0.05,
      seed: 9,
      rates: { 'processor-crash': 0.25, 's3-5xx': 0.25 },
    });
    expect(parseLoadOptions(['--scenario', 'smoke']).faults).toBeUndefined();
  });

  it.each([
    [['--scenario', 'smoke', '--fault-rate', '0.1'], /--fault-rate only applies with --scenario chaos/],
    [['--scenario', 'chaos', '--fault-rate', '2'], /rate must be a number from 0 to 1/],
    [['--scenario', 'chaos', '--faults', 'disk-full'], /unknown fault kind "disk-full"/],
    [['--scenario', 'chaos', '--data-dir', '.local'], /starts its own local stack/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseLoadOptions(argv)).toThrow(InvalidLoadOptionsError);
    expect(() => parseLoadOptions(argv)).toThrow(message);
  });

  it('--faults picks kinds and --fault-rate sets every kind', () => {
    const options = parseLoadOptions([
      '--scenario',
      'chaos',
      '--faults',
      's3-5xx,slow-response',
      '--fault-rate',
      '0.2',
    ]);
    expect(options.faults).toMatchObject({ rate: 0.2, kinds: ['s3-5xx', 'slow-response'] });
    expect(options.faults?.rates).toBeUndefined();
  });
});
