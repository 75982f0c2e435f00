import { randomUUID } from 'node:crypto';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { type RunningLocalIngest, startLocalIngest } from '../../local/ingest/index.js';
import { createActiveStream } from '../../local/kinesis/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { decodeEnvelopeBytes } from '../../processors/envelope/index.js';
import { createIngestHandler } from '../../processors/ingest/index.js';
import { createOrderedProducer } from '../../processors/producer/index.js';
import { createTracing, type Tracing } from '../../processors/tracing/index.js';
import { orderEnvelope, quietTelemetry } from './envelope-factory.js';
import { localKinesisClient, readStream } from './stream-reader.js';

const TOKEN = 'test-token-0123456789';
const STREAM = 'ingest-tracing-int';
// https://www.w3.org/TR/trace-context/#traceparent-header
const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = `00-${CALLER_TRACE_ID}-00f067aa0ba902b7-01`;

let kinesalite: RunningEmulator;
let kinesis: KinesisClient;
let ingest: RunningLocalIngest;
let tracing: Tracing;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  kinesalite = await startKinesalite();
  kinesis = localKinesisClient(kinesalite.endpoint);
  await createActiveStream(kinesis, STREAM, 2);
  tracing = createTracing({ serviceName: 'ingest', exporter, processor: 'simple' });
  ingest = await startLocalIngest({
    handler: createIngestHandler({
      producer: createOrderedProducer({ client: kinesis, streamName: STREAM }),
      tokenProvider: async () => TOKEN,
      registry: new AggregateRegistry([orderAggregate]),
      ...quietTelemetry(),
      tracing,
      streamName: STREAM,
    }),
  });
});

afterAll(async () => {
  await ingest?.close();
  await tracing?.shutdown();
  kinesis?.destroy();
  await kinesalite?.close();
});

describe('trace context through local/ingest against kinesalite', () => {
  it("continues the HTTP traceparent/tracestate headers, stamps the record and names where it landed; keeps an envelope's own fields byte for byte", async () => {
    const prefix = `traced-${randomUUID()}`;
    const stamped = orderEnvelope(`${prefix}-a`, 1);
    const own = orderEnvelope(`${prefix}-b`, 1, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'congo=t61rcWkgMzE',
    });
    const response = await fetch(`${ingest.endpoint}/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        traceparent: CALLER,
        tracestate: 'rojo=00f067aa0ba902b7',
      },
      body: JSON.stringify([stamped, own]),
    });
    expect(response.status).toBe(202);

    const records = (await readStream(kinesis, STREAM)).filter((r) => r.partitionKey.startsWith(prefix));
    const byId = new Map(records.map((r) => [r.partitionKey, r]));
    const ownRecord = byId.get(own.aggregateId);
    expect(ownRecord?.data.toString('utf8')).toBe(JSON.stringify(own));

    const stampedRecord = byId.get(stamped.aggregateId);
    const creates = exporter.getFinishedSpans().filter((s) => s.name === `create ${STREAM}`);
    const create = creates.find((s) => s.attributes['messaging.message.id'] === stamped.eventId);
    expect(create?.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(decodeEnvelopeBytes(stampedRecord?.data ?? Buffer.alloc(0))).toEqual({
      ...stamped,
      traceparent: `00-${CALLER_TRACE_ID}-${create?.spanContext().spanId}-01`,
      tracestate: 'rojo=00f067aa0ba902b7',
    });
    expect(create?.attributes).toMatchObject({
      'pipeline.kinesis.shard_id': stampedRecord?.shardId,
      'pipeline.kinesis.sequence_number': stampedRecord?.sequenceNumber,
    });
  });
});
