/** Gathers the per-hop latency breakdown of a run from the local stack's span store (I/O). */
import { readSpanStore } from '../local/traces/span-store-reader.js';
import { PipelineAttribute } from '../processors/tracing/span-catalogue.js';
import { chooseEnvironmentSource, type EnvironmentFlags } from '../tools/environment/index.js';
import { buildEventWaterfall, type EventWaterfall } from '../tools/trace/event-waterfall.js';
import { type HopLatencyReport, hopLatencyNotMeasured, summarizeHopLatency } from './report-hop-latency.js';

/** The local stack's data directory when the environment is one, else undefined (pure). */
export function localDataDirOf(environment: EnvironmentFlags, processEnv = process.env): string | undefined {
  try {
    const source = chooseEnvironmentSource(environment, processEnv);
    return source.kind === 'data-dir' ? source.dataDir : undefined;
  } catch {
    return undefined;
  }
}

/** Most events whose spans the breakdown holds in memory; a bigger run is sampled by aggregate. */
export const MAX_BREAKDOWN_EVENTS = 20_000;

/** Whether an aggregate is in a 1-in-`every` sample (pure, stable: FNV-1a of its id). */
export function inAggregateSample(aggregateId: string, every: number): boolean {
  if (every <= 1) return true;
  let hash = 0x811c9dc5;
  for (let i = 0; i < aggregateId.length; i++) hash = Math.imul(hash ^ aggregateId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % every === 0;
}

/**
 * The breakdown of the run whose aggregates are `<aggregatePrefix>-*`, read from `<dataDir>/traces/`; a breakdown with
 * a note when the target is not a local stack or no span was recorded. A run of more than `MAX_BREAKDOWN_EVENTS`
 * `acceptedEvents` is sampled by aggregate (every event of an aggregate or none), so memory stays bounded.
 */
export async function readHopLatency(
  dataDir: string | undefined,
  aggregatePrefix: string,
  acceptedEvents = 0,
): Promise<HopLatencyReport> {
  if (dataDir === undefined)
    return hopLatencyNotMeasured('the target is not a local stack (on AWS, the spans are in X-Ray)');
  const prefix = `${aggregatePrefix}-`;
  const every = Math.max(1, Math.ceil(acceptedEvents / MAX_BREAKDOWN_EVENTS));
  const sampled = (id: unknown): id is string =>
    typeof id === 'string' && id.startsWith(prefix) && inAggregateSample(id, every);
  const read = await readSpanStore(dataDir, (attributes) =>
    sampled(attributes[PipelineAttribute.aggregateId]),
  );
  if (read === undefined)
    return hopLatencyNotMeasured(`no span store in ${dataDir}: tracing is off in the local stack`);
  const waterfalls: EventWaterfall[] = [];
  for (const eventId of read.index.eventIds()) {
    if (!sampled(read.index.event(eventId)?.aggregateId)) continue;
    const waterfall = buildEventWaterfall(read.index, eventId);
    if (waterfall !== undefined) waterfalls.push(waterfall);
  }
  if (waterfalls.length === 0)
    return hopLatencyNotMeasured('no span of the run in the span store (tracing off, or sampled out)');
  const notes = [
    ...(every > 1 ? [`sampled: the events of 1 aggregate in ${every}`] : []),
    ...(read.stats.unreadableLines > 0
      ? [`${read.stats.unreadableLines} unreadable span store line(s) skipped`]
      : []),
  ];
  return summarizeHopLatency(waterfalls, notes.length === 0 ? undefined : notes.join('; '));
}
