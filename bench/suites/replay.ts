/**
 * Replay throughput from a generated archive of 1,000,000 events (gzip NDJSON objects in Firehose's key layout,
 * written to a local directory and read through `DirectoryArchiveSource`, the same reader interface as S3):
 * - the read side alone (list, gunzip, decode + registry validation, external sort, de-dupe), over the whole archive,
 *   with the default memory budget and with one small enough to make the sort spill to disk;
 * - the projection target against dynalite, and the stream target against kinesalite as a ratio to a raw
 *   PutRecords ceiling measured in the same run, each over a one-hour slice of the archive.
 */

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynalite, startKinesalite } from '../../local/emulators/index.js';
import { firehoseObjectKey } from '../../local/firehose/object-key.js';
import { createActiveStream, createKinesisClient, plainPutRecords } from '../../local/kinesis/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import { type Envelope, encodeEnvelope } from '../../processors/envelope/index.js';
import { createOrderedProducer } from '../../processors/producer/index.js';
import {
  DirectoryArchiveSource,
  defaultMemoryBudgetBytes,
  projectionTarget,
  runReplay,
  streamTarget,
} from '../../processors/replay/index.js';
import { aggregateTableDefinition, DynamoDbAggregateStore } from '../../processors/store/index.js';
import { median } from '../median.js';
import type { BenchResult } from '../result.js';

/** The benchmark's archive and runs. */
const SETUP = {
  hours: 10,
  aggregatesPerHour: 10_000,
  eventsPerAggregate: 10,
  eventsPerObject: 5_000,
  /** Every n-th line is written twice (at-least-once delivery). */
  duplicateEvery: 100,
  shards: 4,
  /** Rounds of the read side, reported as the median (the first also warms the JIT and the page cache). */
  readRounds: 3,
  /** A budget that holds about a third of the archive, to measure the spilling path. */
  spillBudgetMiB: 256,
  producerConcurrency: 4,
  start: Date.UTC(2026, 0, 1, 0, 0, 0),
} as const;

interface GeneratedArchive {
  readonly root: string;
  readonly events: number;
  readonly lines: number;
  readonly objects: number;
}

/** Writes the benchmark archive (10 hours × 100,000 events) under `root`. */
export async function generateArchive(root: string): Promise<GeneratedArchive> {
  let events = 0;
  let lines = 0;
  let objects = 0;
  for (let hour = 0; hour < SETUP.hours; hour++) {
    const envelopes = generateOrderEvents({
      aggregates: SETUP.aggregatesPerHour,
      eventsPerAggregate: SETUP.eventsPerAggregate,
      seed: hour + 1,
      aggregateIdPrefix: `order-h${hour}`,
      startTime: new Date(SETUP.start + hour * 3_600_000),
    });
    events += envelopes.length;
    for (let i = 0; i < envelopes.length; i += SETUP.eventsPerObject) {
      const slice = envelopes.slice(i, i + SETUP.eventsPerObject);
      let text = '';
      slice.forEach((e, j) => {
        const line = `${JSON.stringify(e)}\n`;
        text += line;
        lines++;
        if ((i + j) % SETUP.duplicateEvery === 0) {
          text += line;
          lines++;
        }
      });
      const key = firehoseObjectKey({
        prefix: 'events/',
        deliveryStreamName: 'archive',
        deliveryStreamVersion: 1,
        timestamp: new Date(SETUP.start + hour * 3_600_000 + (i / SETUP.eventsPerObject) * 60_000),
        id: `bench-${hour}-${i}`,
      });
      const file = join(root, key);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, gzipSync(text, { level: 6 }));
      objects++;
    }
  }
  return { root, events, lines, objects };
}

function hourRange(first: number, count: number) {
  return {
    from: new Date(SETUP.start + first * 3_600_000),
    to: new Date(SETUP.start + (first + count) * 3_600_000),
  };
}

/** The emulator's ceiling: plain PutRecords of 500 records, same concurrency, no ordering, no retries. */
async function rawPutRecordsRate(
  client: KinesisClient,
  stream: string,
  envelopes: readonly Envelope[],
): Promise<number> {
  const started = performance.now();
  const entries = envelopes.map((e) => ({ partitionKey: e.aggregateId, data: encodeEnvelope(e) }));
  const failed = await plainPutRecords(client, stream, entries, { concurrency: SETUP.producerConcurrency });
  if (failed > 0) throw new Error('raw PutRecords had failures');
  return envelopes.length / ((performance.now() - started) / 1000);
}

/** Runs the replay benchmarks; takes a few minutes. */
export async function runReplayBench(): Promise<BenchResult[]> {
  const registry = new AggregateRegistry([orderAggregate]);
  const root = await mkdtemp(join(tmpdir(), 'replay-bench-'));
  const results: BenchResult[] = [];
  try {
    const archive = await generateArchive(root);
    const source = new DirectoryArchiveSource(root);

    // Read side alone: a dry run reads, validates, sorts and de-duplicates, with the default memory budget.
    const budgetMiB = Math.round(defaultMemoryBudgetBytes() / 2 ** 20);
    const readRates: number[] = [];
    let read: Awaited<ReturnType<typeof runReplay>> | undefined;
    for (let round = 0; round < SETUP.readRounds; round++) {
      read = await runReplay({
        source,
        registry,
        range: hourRange(0, SETUP.hours),
        targetName: 'dry-run',
        dryRun: true,
      });
      if (read.toSend !== archive.events)
        throw new Error(`read side found ${read.toSend} of ${archive.events} events`);
      readRates.push(read.read.lines / (read.elapsedMs / 1000));
    }
    if (read === undefined) throw new Error('no read round ran');
    const rssAfterRead = Math.round(process.memoryUsage().rss / 2 ** 20);
    results.push({
      suite: 'replay',
      name: `read side (list, gunzip, decode+validate, order, dedupe), ${archive.events.toLocaleString('en-US')} events / ${archive.objects} objects`,
      value: Math.round(median(readRates)),
      unit: 'events/s',
      target: '>= 200000',
      note: `median of ${SETUP.readRounds} rounds (${readRates.map((r) => Math.round(r / 1000)).join(', ')} k); one thread; default memory budget ${budgetMiB} MiB (a quarter of the heap limit): ${read.spilledRuns} runs spilled; RSS after ${rssAfterRead} MiB; ${read.archiveDuplicates} duplicate lines dropped; archive on local disk via DirectoryArchiveSource`,
    });

    // The same archive with a budget too small for it, so the external sort spills runs to disk and merges them.
    const spilling = await runReplay({
      source,
      registry,
      range: hourRange(0, SETUP.hours),
      targetName: 'dry-run',
      dryRun: true,
      memoryBudgetBytes: SETUP.spillBudgetMiB * 2 ** 20,
    });
    if (spilling.toSend !== archive.events || spilling.spilledRuns === 0)
      throw new Error(`spilling read found ${spilling.toSend} events in ${spilling.spilledRuns} runs`);
    results.push({
      suite: 'replay',
      name: `read side, archive larger than the budget (--memory-budget ${SETUP.spillBudgetMiB})`,
      value: Math.round(spilling.read.lines / (spilling.elapsedMs / 1000)),
      unit: 'events/s',
      note: `${spilling.spilledRuns} sorted runs written to disk and merged; what archives beyond the budget cost`,
    });

    // Projection target against dynalite, one hour of the archive.
    const dynalite = await startDynalite();
    try {
      const raw = new DynamoDBClient({
        endpoint: dynalite.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      });
      await raw.send(new CreateTableCommand(aggregateTableDefinition('rebuild')));
      const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
      const target = projectionTarget({
        store: new DynamoDbAggregateStore({ client, tableName: 'rebuild' }),
        registry,
        engine: resolveEngineOptions(),
        description: 'dynalite',
      });
      const summary = await runReplay({
        source,
        registry,
        range: hourRange(0, 1),
        target,
        targetName: 'projection',
        chunkSize: 2000,
      });
      if (summary.failed > 0) throw new Error(`projection replay failed ${summary.failed} events`);
      results.push({
        suite: 'replay',
        name: `projection target vs dynalite (1 hour: ${summary.sent.toLocaleString('en-US')} events, ${SETUP.aggregatesPerHour.toLocaleString('en-US')} aggregates)`,
        value: Math.round(summary.sent / (summary.elapsedMs / 1000)),
        unit: 'events/s',
        note: `one conditional write per aggregate per 2,000-event chunk; dynalite does ~700-1,000 conditional writes/s`,
      });
      raw.destroy();
    } finally {
      await dynalite.close();
    }

    // Stream target against kinesalite, as a ratio to the raw PutRecords ceiling of the same events.
    const kinesalite = await startKinesalite();
    try {
      const client = createKinesisClient({ endpoint: kinesalite.endpoint });
      await createActiveStream(client, 'ceiling', SETUP.shards);
      await createActiveStream(client, 'replayed', SETUP.shards);
      const hourEvents = generateOrderEvents({
        aggregates: SETUP.aggregatesPerHour,
        eventsPerAggregate: SETUP.eventsPerAggregate,
        seed: 2,
        aggregateIdPrefix: 'order-h1',
        startTime: new Date(SETUP.start + 3_600_000),
      });
      const ceiling = await rawPutRecordsRate(client, 'ceiling', hourEvents);
      const producer = createOrderedProducer({
        client,
        streamName: 'replayed',
        concurrency: SETUP.producerConcurrency,
      });
      const summary = await runReplay({
        source,
        registry,
        range: hourRange(1, 1),
        target: streamTarget(producer, 'kinesalite'),
        targetName: 'stream',
        chunkSize: 5000,
      });
      if (summary.failed > 0) throw new Error(`stream replay failed ${summary.failed} events`);
      const rate = summary.sent / (summary.elapsedMs / 1000);
      results.push({
        suite: 'replay',
        name: `stream target vs kinesalite (1 hour: ${summary.sent.toLocaleString('en-US')} events, ${SETUP.shards} shards), read included`,
        value: Math.round(rate),
        unit: 'events/s',
        baseline: { name: 'raw PutRecords, same events and concurrency', value: Math.round(ceiling) },
        ratio: Number((rate / ceiling).toFixed(2)),
        target: '>= 0.8x',
      });
      client.destroy();
    } finally {
      await kinesalite.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return results;
}
