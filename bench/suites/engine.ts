/**
 * (a) In-process engine throughput: decode + validate + order + fold of a 10,000-record batch over 1,000
 * aggregates, through the real batch processor with an in-memory store. The anchor, measured in the same run,
 * is decode + validate alone (base64 → JSON → envelope schema → data schema) with no ordering or folding.
 */
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import { resolveEngineOptions } from '../../processors/engine/index.js';
import { decodeKinesisData } from '../../processors/envelope/index.js';
import { InMemoryAggregateStore } from '../../processors/store/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { toKinesisStreamEvent } from '../envelope-stream-event.js';
import { median } from '../median.js';
import type { BenchResult } from '../result.js';

const AGGREGATES = 1_000;
const EVENTS_PER_AGGREGATE = 10;
const ROUNDS = 7;

/** Runs suite (a); returns events/s of the engine and of the decode-only anchor. */
export async function runEngineBench(): Promise<BenchResult[]> {
  const registry = new AggregateRegistry([orderAggregate]);
  const event = toKinesisStreamEvent(
    generateOrderEvents({ aggregates: AGGREGATES, eventsPerAggregate: EVENTS_PER_AGGREGATE, seed: 7 }),
  );
  const records = event.Records.length;
  const engine = resolveEngineOptions();
  const quarantine = { put: async () => undefined };

  const engineRates: number[] = [];
  const decodeRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh store each round, so every round applies all events (a second pass would be all duplicates).
    const store = new InMemoryAggregateStore();
    const started = performance.now();
    const { summary } = await processKinesisBatch(event, {
      registry,
      store,
      quarantine,
      engine,
      processorVersion: 'bench',
      writeConcurrency: 16,
      maxWriteAttempts: 3,
    });
    const seconds = (performance.now() - started) / 1000;
    if (summary.applied + summary.drained !== records)
      throw new Error(`engine applied ${summary.applied} of ${records}`);
    engineRates.push(records / seconds);

    const decodeStarted = performance.now();
    let decoded = 0;
    for (const record of event.Records) {
      registry.validate(decodeKinesisData(record.kinesis.data));
      decoded++;
    }
    decodeRates.push(decoded / ((performance.now() - decodeStarted) / 1000));
  }
  const engineRate = median(engineRates);
  const decodeRate = median(decodeRates);
  return [
    {
      suite: 'engine',
      name: `(a) decode+validate+order+fold, ${records.toLocaleString('en-US')} records / ${AGGREGATES} aggregates, one core`,
      value: Math.round(engineRate),
      unit: 'events/s',
      baseline: { name: 'decode + validate only (no ordering, no fold)', value: Math.round(decodeRate) },
      ratio: engineRate / decodeRate,
      target: '>= 100000',
      note: `median of ${ROUNDS} rounds; ratio = share of the decode-only rate that remains after ordering and folding`,
    },
  ];
}
