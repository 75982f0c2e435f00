/** The time an event spent at each hop, from its waterfall (pure): what the load report's per-hop breakdown sums up. */
import { DecisionEvent } from '../../processors/tracing/span-catalogue.js';
import type { EventWaterfall, WaterfallRow } from './event-waterfall.js';

/** The hops of the breakdown, in pipeline order. */
export const BREAKDOWN_HOPS = [
  'ingest',
  'stream',
  'processor',
  'write',
  'archive',
  'bus',
  'queue',
  'applied',
] as const;

/** One hop of the breakdown. */
export type BreakdownHop = (typeof BREAKDOWN_HOPS)[number];

/** What each hop of the breakdown measures (for the reports). */
export const BREAKDOWN_HOP_MEANING: Readonly<Record<BreakdownHop, string>> = {
  ingest: 'ingest request (POST /events span)',
  stream: 'record written → processor batch started',
  processor: 'batch started → event applied (includes time buffered behind a gap)',
  write: 'the conditional write that applied it',
  archive: 'record written → archive object delivered',
  bus: 'record written → published on the bus',
  queue: 'published → example consumer processing it',
  applied: 'first span → applied (end to end)',
};

const endOf = (row: WaterfallRow) => row.startMs + row.durationMs;

/** Milliseconds per hop for one event; a hop the event has not reached is absent (pure). */
export function hopLatencies(waterfall: EventWaterfall): Partial<Record<BreakdownHop, number>> {
  const first = (hop: WaterfallRow['hop']) => waterfall.rows.find((row) => row.hop === hop);
  const out: Partial<Record<BreakdownHop, number>> = {};
  const ingest = first('ingest');
  const stream = first('stream');
  const batch = first('processor');
  const bus = first('bus');
  if (ingest !== undefined) out.ingest = ingest.durationMs;
  if (stream !== undefined) out.stream = stream.durationMs;
  const applied = waterfall.decisions.find((decision) => decision.decision === DecisionEvent.applied);
  if (applied !== undefined) {
    if (batch !== undefined) out.processor = applied.atMs - batch.startMs;
    const write = waterfall.rows.find(
      (row) => row.hop === 'write' && row.startMs <= applied.atMs && applied.atMs <= endOf(row),
    );
    if (write !== undefined) out.write = write.durationMs;
    out.applied = applied.atMs;
  }
  // The record entered the stream when its create span ended (PutRecords placed it).
  const recorded = waterfall.rows.find((row) => row.hop === 'ingest' && row.label.startsWith('create '));
  const archive = first('archive');
  if (recorded !== undefined && archive !== undefined) out.archive = endOf(archive) - endOf(recorded);
  if (recorded !== undefined && bus !== undefined) out.bus = endOf(bus) - endOf(recorded);
  const queue = first('queue');
  if (bus !== undefined && queue !== undefined) out.queue = queue.startMs - endOf(bus);
  return out;
}
