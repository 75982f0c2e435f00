/**
 * Producer throughput against kinesalite: the ordering-preserving producer next to a plain PutRecords loop
 * (500-record batches, same concurrency, no ordering guarantee), in the same run, same emulator.
 */

import { startKinesalite } from '../../local/emulators/index.js';
import { createActiveStream, createKinesisClient, plainPutRecords } from '../../local/kinesis/index.js';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import { encodeEnvelope } from '../../processors/envelope/index.js';
import { createOrderedProducer, type ProducerEntry } from '../../processors/producer/index.js';
import type { BenchResult } from '../result.js';

/** The benchmark's shape: keys, events, shards, calls in flight, records per call, interleaved rounds. */
const SETUP = {
  partitionKeys: 1_000,
  eventsPerKey: 50,
  shards: 4,
  concurrency: 4,
  batch: 500,
  rounds: 4,
} as const;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Runs the producer benchmark: producer records/s vs a plain PutRecords loop, 1,000 partition keys. */
export async function runProducerBench(): Promise<BenchResult[]> {
  const entries: ProducerEntry[] = generateOrderEvents({
    aggregates: SETUP.partitionKeys,
    eventsPerAggregate: SETUP.eventsPerKey,
  }).map((envelope) => ({ partitionKey: envelope.aggregateId, data: encodeEnvelope(envelope) }));
  const meanBytes = Math.round(entries.reduce((sum, e) => sum + e.data.byteLength, 0) / entries.length);
  const kinesalite = await startKinesalite();
  const client = createKinesisClient({ endpoint: kinesalite.endpoint });
  try {
    for (const name of ['warmup', 'plain', 'ordered']) await createActiveStream(client, name, SETUP.shards);
    const warm = entries.slice(0, 5_000);
    await plainPutRecords(client, 'warmup', warm, { concurrency: SETUP.concurrency, batchSize: SETUP.batch });
    await createOrderedProducer({ client, streamName: 'warmup', concurrency: SETUP.concurrency }).put(warm);

    // Interleaved rounds, alternating which side goes first, so load from other processes on a shared
    // machine and the emulator's growing state weigh on both sides alike.
    const producer = createOrderedProducer({ client, streamName: 'ordered', concurrency: SETUP.concurrency });
    let plainMs = 0;
    let producerMs = 0;
    let plainFailed = 0;
    let notWritten = 0;
    const roundSize = Math.ceil(entries.length / SETUP.rounds);
    for (let round = 0; round < SETUP.rounds; round += 1) {
      const slice = entries.slice(round * roundSize, (round + 1) * roundSize);
      const runPlain = async () => {
        plainMs += await timed(async () => {
          plainFailed += await plainPutRecords(client, 'plain', slice, {
            concurrency: SETUP.concurrency,
            batchSize: SETUP.batch,
          });
        });
      };
      const runProducer = async () => {
        producerMs += await timed(async () => {
          const results = await producer.put(slice);
          notWritten += results.filter((r) => r.status !== 'written').length;
        });
      };
      if (round % 2 === 0) {
        await runPlain();
        await runProducer();
      } else {
        await runProducer();
        await runPlain();
      }
    }
    const plainRate = Math.round((entries.length / plainMs) * 1000);
    const producerRate = Math.round((entries.length / producerMs) * 1000);
    return [
      {
        suite: 'producer',
        name: `ordered producer, ${entries.length.toLocaleString('en')} records (~${meanBytes} B) / ${SETUP.partitionKeys.toLocaleString('en')} keys / ${SETUP.shards} shards`,
        value: producerRate,
        unit: 'records/s',
        baseline: {
          name: `plain PutRecords loop (${SETUP.batch}/call, ${SETUP.concurrency} in flight)`,
          value: plainRate,
        },
        ratio: Math.round((producerRate / plainRate) * 100) / 100,
        target: '>= 0.8x',
        note: `kinesalite in-process; ${SETUP.rounds} interleaved rounds; concurrency ${SETUP.concurrency}; not written: producer ${notWritten}, plain loop ${plainFailed}`,
      },
    ];
  } finally {
    client.destroy();
    await kinesalite.close();
  }
}
