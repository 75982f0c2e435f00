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

/**
 * The breakdown of the run whose aggregates are `<aggregatePrefix>-*`, read from `<dataDir>/traces/`; a breakdown with
 * a note when the target is not a local stack or no span was recorded.
 */
export async function readHopLatency(
  dataDir: string | undefined,
  aggregatePrefix: string,
): Promise<HopLatencyReport> {
  if (dataDir === undefined)
    return hopLatencyNotMeasured('the target is not a local stack (on AWS, the spans are in X-Ray)');
  const prefix = `${aggregatePrefix}-`;
  const read = await readSpanStore(dataDir, (attributes) => {
    const id = attributes[PipelineAttribute.aggregateId];
    return typeof id === 'string' && id.startsWith(prefix);
  });
  if (read === undefined)
    return hopLatencyNotMeasured(`no span store in ${dataDir}: tracing is off in the local stack`);
  const waterfalls: EventWaterfall[] = [];
  for (const eventId of read.index.eventIds()) {
    if (!(read.index.event(eventId)?.aggregateId ?? '').startsWith(prefix)) continue;
    const waterfall = buildEventWaterfall(read.index, eventId);
    if (waterfall !== undefined) waterfalls.push(waterfall);
  }
  if (waterfalls.length === 0)
    return hopLatencyNotMeasured('no span of the run in the span store (tracing off, or sampled out)');
  return summarizeHopLatency(
    waterfalls,
    read.stats.unreadableLines > 0
      ? `${read.stats.unreadableLines} unreadable span store line(s) skipped`
      : undefined,
  );
}
