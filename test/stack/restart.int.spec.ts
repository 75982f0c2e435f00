import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKinesisClient } from '../../local/kinesis/index.js';
import { LocalPipelineOutputs, type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { chainOf } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { orderHistory } from '../support/order-events.js';
import { putEnvelopes, tempDataDir, waitUntil } from './stack-fixture.js';

const AGGREGATES = 80;
const FIRST = 10;
const TOTAL = 14;

let dataDir: string;
let stack: RunningLocalStack | undefined;
let kinesis: KinesisClient | undefined;

const options = () =>
  ({ dataDir, quiet: true, logLevel: 'SILENT', archiveBufferIntervalSeconds: 1, shards: 2 }) as const;

beforeAll(async () => {
  dataDir = await tempDataDir();
});

afterAll(async () => {
  kinesis?.destroy();
  await stack?.stop();
});

it('stopped mid-stream and restarted on the same data dir: nothing lost, nothing applied twice', async () => {
  const histories = Array.from({ length: AGGREGATES }, (_, i) => orderHistory(`restart-${i}`, TOTAL));
  const first = histories.flatMap((h) => h.slice(0, FIRST));
  const second = histories.flatMap((h) => h.slice(FIRST));

  stack = await startLocalStack(options());
  const firstEndpoints = stack.endpoints;
  kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
  await putEnvelopes(kinesis, stack.endpoints.stream.name, first);
  const running = stack;
  await waitUntil('some events applied', () => running.stats().applied > 0);
  await stack.stop();
  const appliedBefore = stack.stats().applied;
  kinesis.destroy();
  kinesis = undefined;
  stack = undefined;
  // Mid-stream: the first run stopped with events still unapplied.
  expect(appliedBefore).toBeGreaterThan(0);
  expect(appliedBefore).toBeLessThan(first.length);
  const checkpoint = JSON.parse(
    await readFile(join(dataDir, 'checkpoints', 'lambda-stream-processor-dev.json'), 'utf8'),
  );
  expect(Object.keys(checkpoint.shards)).toHaveLength(2);

  stack = await startLocalStack(options());
  expect(stack.endpoints.ingestToken).toBe(firstEndpoints.ingestToken);
  expect({ ...stack.endpoints.stream, table: stack.endpoints.table, bucket: stack.endpoints.bucket }).toEqual(
    {
      ...firstEndpoints.stream,
      table: firstEndpoints.table,
      bucket: firstEndpoints.bucket,
    },
  );
  kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
  await putEnvelopes(kinesis, stack.endpoints.stream.name, second);
  const all: Envelope[] = [...first, ...second];
  const restarted = stack;
  await waitUntil('the rest to be applied, archived and bridged', () => {
    const s = restarted.stats();
    return appliedBefore + s.applied >= all.length && s.archived > 0 && s.delivered > 0;
  });
  const outputs = new LocalPipelineOutputs(stack.endpoints);
  try {
    const ids = all.map((e) => e.eventId).sort();
    await waitUntil('archive and bus to hold every event', async () => {
      const archived = new Set((await outputs.archive()).flatMap((o) => o.envelopes.map((e) => e.eventId)));
      const queued = new Set((await outputs.queue('order-events')).map((e) => e.detail.envelope.eventId));
      return archived.size === ids.length && queued.size === ids.length;
    });
    // Nothing applied twice: the two runs' applied counts add up to the number of distinct events.
    expect(appliedBefore + stack.stats().applied).toBe(all.length);
    const projections = await outputs.projections(
      'order',
      histories.map((h) => (h[0] as Envelope).aggregateId),
    );
    expect(projections).toHaveLength(AGGREGATES);
    for (const p of projections) {
      const history = histories.find((h) => h[0]?.aggregateId === p.aggregateId) ?? [];
      expect([p.version, p.chain]).toEqual([TOTAL, chainOf(history.map((e) => e.eventId))]);
    }
    // Archive and bus: every event, at least once (a record read but not checkpointed before the stop may repeat).
    const archived = (await outputs.archive()).flatMap((o) => o.envelopes.map((e) => e.eventId));
    expect([...new Set(archived)].sort()).toEqual(ids);
    const queued = (await outputs.queue('order-events')).map((e) => e.detail.envelope.eventId);
    expect([...new Set(queued)].sort()).toEqual(ids);
  } finally {
    outputs.close();
  }
});
