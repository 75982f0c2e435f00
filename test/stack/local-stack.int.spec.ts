import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { localEndpointsSchema, readLocalEndpoints } from '../../local/endpoints/index.js';
import { localIngestEndpoint, postEvents } from '../../local/ingest/index.js';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { LocalPipelineOutputs, type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { chainOf } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { archiveSourceFor, targetFor } from '../../processors/replay/environment-clients.js';
import { runReplay } from '../../processors/replay/index.js';
import { localEnvironment } from '../../tools/replay/index.js';
import { orderHistory } from '../support/order-events.js';
import { putEnvelopes, tempDataDir, waitUntil, withSwaps } from './stack-fixture.js';

let dataDir: string;
let stack: RunningLocalStack;
let kinesis: KinesisClient;
let outputs: LocalPipelineOutputs;

beforeAll(async () => {
  dataDir = await tempDataDir();
  stack = await startLocalStack({
    dataDir,
    shards: 2,
    quiet: true,
    logLevel: 'SILENT',
    archiveBufferIntervalSeconds: 1,
  });
  kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
  outputs = new LocalPipelineOutputs(stack.endpoints);
});

afterAll(async () => {
  outputs?.close();
  kinesis?.destroy();
  await stack?.stop();
});

describe('endpoints.json', () => {
  it('has the endpoints.json shape of docs/design.md §5, matches the running stack, and names resources from Pulumi.dev.yaml', async () => {
    const file = await readLocalEndpoints(dataDir);
    expect(file).toEqual(JSON.parse(JSON.stringify(stack.endpoints)));
    const parsed = localEndpointsSchema.parse(file);
    expect(parsed.region).toBe('us-east-1');
    expect(parsed.credentials).toEqual({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    for (const url of Object.values(parsed.endpoints)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(parsed.stream.arn).toContain(`stream/${parsed.stream.name}`);
    const config = loadStackConfigFile('dev');
    expect(parsed.bus).toBe(config.bus.name ?? 'ordered-events-dev');
    expect(Object.keys(parsed.queues)).toEqual(config.bus.aggregateTypes.map((t) => `${t}-events`));
    // One Pipe bridges every aggregate type.
    expect(Object.keys(stack.endpoints.deadLetters.pipes)).toEqual(['bridge']);
    expect(parsed.ingestToken.length).toBeGreaterThanOrEqual(16);
    expect(stack.settings.processor.mapping.batchSize).toBe(config.processor.batchSize);
    const stackFile = JSON.parse(await readFile(join(dataDir, 'stack.json'), 'utf8'));
    expect(stackFile).toMatchObject({ format: 'local-stack/1', ingestToken: parsed.ingestToken, shards: 2 });
  });
});

describe('end to end', () => {
  it('PutRecords and POST /events reach projections, archive and bus, which agree', async () => {
    const viaSdk = Array.from({ length: 12 }, (_, i) => orderHistory(`sdk-${i}`, 8)).flat();
    const viaIngest = Array.from({ length: 6 }, (_, i) => orderHistory(`api-${i}`, 5)).flat();
    const all = [...viaSdk, ...viaIngest];
    // Reordered neighbours (sorted within a batch by the processor, buffered across batches) and a duplicate of every 7th event.
    const sdkSends = withSwaps(viaSdk);
    sdkSends.push(...viaSdk.filter((_, i) => i % 7 === 0));
    await putEnvelopes(kinesis, stack.endpoints.stream.name, sdkSends);
    const response = await postEvents(localIngestEndpoint(stack.endpoints), withSwaps(viaIngest));
    expect(response.status).toBeLessThan(300);
    const sent = sdkSends.length + viaIngest.length;

    await waitUntil('the pipeline to drain', () => {
      const s = stack.stats();
      return s.applied >= all.length && s.archived >= sent && s.delivered >= sent;
    });

    const histories = new Map<string, Envelope[]>();
    for (const e of all) histories.set(e.aggregateId, [...(histories.get(e.aggregateId) ?? []), e]);
    const projections = await outputs.projections('order', [...histories.keys()]);
    expect(projections).toHaveLength(histories.size);
    for (const p of projections) {
      const history = histories.get(p.aggregateId) ?? [];
      expect({ id: p.aggregateId, version: p.version, chain: p.chain, pending: p.pendingCount }).toEqual({
        id: p.aggregateId,
        version: history.length,
        chain: chainOf(history.map((e) => e.eventId)),
        pending: 0,
      });
    }
    const stats = stack.stats();
    expect(stats.applied).toBe(all.length);
    expect(stats.duplicates).toBe(sdkSends.length - viaSdk.length);
    expect(stats.poison).toBe(0);

    // Archive: every record exactly once (no restart here), as newline-delimited envelopes in GZIP objects.
    const archive = await outputs.archive();
    const archivedIds = archive.flatMap((o) => o.envelopes.map((e) => e.eventId)).sort();
    const sentIds = [...sdkSends, ...viaIngest].map((e) => e.eventId).sort();
    expect(archivedIds).toEqual(sentIds);
    for (const o of archive) expect(o.key).toMatch(/^events\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/archive-dev-1-/);

    // Bus: the rule's queue holds every record the one Pipe bridged (through its enrichment), each once, with
    // source <prefix>.<aggregateType>, the envelope's type as detail-type and the envelope as detail.
    const queued = await outputs.queue('order-events');
    expect(queued.map((e) => e.detail.envelope.eventId).sort()).toEqual(sentIds);
    const prefix = stack.settings.bus.sourcePrefix;
    for (const e of queued) {
      expect([e.source, e['detail-type']]).toEqual([
        `${prefix}.${e.detail.envelope.aggregateType}`,
        e.detail.envelope.type,
      ]);
    }
    expect(new Set(queued.map((e) => e.detail.envelope.eventId))).toEqual(new Set(archivedIds));
    expect(stats.failed).toBe(0);
  });

  it('replay --target bus publishes through the local EventBridge endpoint, each event once with the marker', async () => {
    const env = await localEnvironment(dataDir);
    expect(env.endpoints.eventbridge).toBe(stack.endpoints.endpoints.eventbridge);
    const marker = { runId: 'replay-local-bus', replayedAt: new Date().toISOString() };
    const registry = new AggregateRegistry([orderAggregate]);
    const summary = await runReplay({
      source: archiveSourceFor(env),
      registry,
      range: { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) },
      target: await targetFor(env, { kind: 'bus', registry, marker }),
      targetName: 'bus',
    });
    expect(summary.failed).toBe(0);
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.sent).toBe(summary.toSend);
    await waitUntil('the bus to deliver the replay', async () => {
      const queued = await outputs.queue('order-events');
      return queued.filter((e) => e.detail.replay?.runId === marker.runId).length >= summary.sent;
    });
    const replayed = (await outputs.queue('order-events')).filter(
      (e) => e.detail.replay?.runId === marker.runId,
    );
    const ids = replayed.map((e) => e.detail.envelope.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(summary.sent);
    expect(replayed.every((e) => e.source === 'pipeline.order')).toBe(true);
  });

  it('rejects an ingest request without the data directory token', async () => {
    const response = await fetch(`${stack.endpoints.endpoints.ingest}/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong-token-0000', 'content-type': 'application/json' },
      body: JSON.stringify(orderHistory('unauthorized', 1)),
    });
    expect(response.status).toBe(401);
  });
});
