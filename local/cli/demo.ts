/**
 * `npm run demo`: the 60-second tour. Starts the local stack (temporary data dir unless --data-dir), sends
 * 300 orders × 10 events through the local ingest API with duplicates and reorderings mixed in, waits for
 * the pipeline to drain, prints projections, archive objects and bus deliveries, then sends a traced tour (one
 * event applied, one buffered behind a gap, one quarantined) and prints how to follow each, and stops.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { chainOf } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { localIngestEndpoint, postEvents } from '../ingest/index.js';
import { createKinesisClient } from '../kinesis/index.js';
import {
  formatStatusLine,
  LocalPipelineOutputs,
  type RunningLocalStack,
  startLocalStack,
} from '../stack/index.js';
import { runTraceTour } from './demo-trace-tour.js';
import { buildDemoTraffic } from './demo-traffic.js';

/** The tour's traffic: orders, events each, envelopes per POST, and how long the drain may take. */
const TOUR = {
  orders: 300,
  eventsPerOrder: 10,
  postSize: 250,
  drainTimeoutMs: 60_000,
} as const;

async function post(stack: RunningLocalStack, envelopes: readonly Envelope[]): Promise<void> {
  const { status, text } = await postEvents(localIngestEndpoint(stack.endpoints), envelopes);
  // 200 or 202 (accepted); a partial failure (207) or an error stops the demo.
  if (status !== 200 && status !== 202) throw new Error(`ingest answered ${status}: ${text.slice(0, 300)}`);
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--data-dir');
  const given = flag === -1 ? undefined : process.argv[flag + 1];
  const dataDir = given ?? (await mkdtemp(join(tmpdir(), 'pipeline-demo-')));
  const began = performance.now();
  const stack = await startLocalStack({ dataDir, logLevel: 'SILENT' });
  const outputs = new LocalPipelineOutputs(stack.endpoints);
  try {
    console.log(`stack ready in ${(stack.readyInMs / 1000).toFixed(2)} s, data dir ${dataDir}`);
    const runId = ulid().slice(-8).toLowerCase();
    const traffic = buildDemoTraffic({
      orders: TOUR.orders,
      eventsPerOrder: TOUR.eventsPerOrder,
      duplicateRate: 0.05,
      reorderRate: 0.1,
      random: Math.random,
      runId,
    });
    const unique = TOUR.orders * TOUR.eventsPerOrder;
    const sends = traffic.sends.length;
    console.log(
      `sending ${sends} envelopes (${unique} events, ${sends - unique} duplicates, neighbours swapped) to POST ${stack.endpoints.endpoints.ingest}/events`,
    );
    for (let i = 0; i < sends; i += TOUR.postSize)
      await post(stack, traffic.sends.slice(i, i + TOUR.postSize));
    console.log(
      `sent in ${((performance.now() - began) / 1000).toFixed(1)} s; waiting for the pipeline to drain…`,
    );

    const deadline = performance.now() + TOUR.drainTimeoutMs;
    let polls = 0;
    // Bounded by the deadline: applied, archived, bridged and delivered reach what was sent.
    for (;;) {
      const s = stack.stats();
      if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${formatStatusLine(s)}`);
      else if (++polls % 4 === 0) process.stdout.write(`${formatStatusLine(s)}\n`);
      if (s.applied >= unique && s.archived >= sends && s.bridged >= sends && s.delivered >= sends) break;
      if (performance.now() > deadline) throw new Error('the pipeline did not drain within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (process.stdout.isTTY) process.stdout.write('\n');

    const ids = [...traffic.expected.keys()];
    const projections = await outputs.projections('order', ids);
    const exact = projections.filter(
      (p) =>
        p.version === TOUR.eventsPerOrder && p.chain === chainOf(traffic.expected.get(p.aggregateId) ?? []),
    ).length;
    console.log(
      `\nprojections: ${exact}/${ids.length} at version ${TOUR.eventsPerOrder} with the exact chain`,
    );
    for (const p of projections.slice(0, 3))
      console.log(
        `  order#${p.aggregateId} v${p.version} chain ${p.chain.slice(0, 16)}… ${JSON.stringify(p.state)}`,
      );

    const archive = (await outputs.archive()).filter((o) =>
      o.envelopes.some((e) => e.aggregateId.startsWith(runId)),
    );
    const archivedIds = new Set(
      archive.flatMap((o) =>
        o.envelopes.filter((e) => e.aggregateId.startsWith(runId)).map((e) => e.eventId),
      ),
    );
    console.log(
      `\narchive: ${archive.length} object(s) in s3://${stack.endpoints.bucket}/, ${archivedIds.size} distinct events of this run`,
    );
    for (const o of archive.slice(0, 5)) console.log(`  ${o.key}  ${o.envelopes.length} records`);

    console.log('\nbus deliveries:');
    for (const rule of Object.keys(stack.endpoints.queues)) {
      const events = (await outputs.queue(rule)).filter((e) =>
        e.detail.envelope.aggregateId.startsWith(runId),
      );
      console.log(`  rule ${rule}: ${events.length} events in ${stack.endpoints.queues[rule]}`);
    }
    const s = stack.stats();
    console.log(
      `\nprocessor: applied ${s.applied}, duplicates ${s.duplicates}, buffered then drained ${s.buffered}, poison ${s.poison}`,
    );

    const kinesis = createKinesisClient({ endpoint: stack.endpoints.endpoints.kinesis });
    const tour = await runTraceTour(stack, kinesis, { aggregateIdPrefix: `trace-${runId}` }).finally(() =>
      kinesis.destroy(),
    );
    const trace = `npm run trace -- --data-dir ${dataDir}`;
    console.log(`\nfollow one event hop by hop (spans in ${join(dataDir, 'traces')}, docs/tracing.md):`);
    console.log(`  ${trace} ${tour.applied}      # applied`);
    console.log(`  ${trace} ${tour.buffered}      # buffered behind a gap, then applied`);
    console.log(`  ${trace} ${tour.quarantined}      # quarantined`);
    if (given === undefined)
      console.log(
        '  (this temporary data directory is removed on exit: run `npm run demo -- --data-dir <dir>` to keep it)',
      );
    console.log(`done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    if (exact !== ids.length || archivedIds.size !== unique) process.exitCode = 1;
  } finally {
    outputs.close();
    await stack.stop();
    if (given === undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nerror: ${(error as Error)?.message ?? error}\n`);
  process.exit(1);
});
