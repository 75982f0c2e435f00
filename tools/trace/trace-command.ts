/** `npm run trace`: follow one event, or every event of an aggregate, through the local span store. */
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../../local/endpoints/endpoints-file.js';
import { readSpanStore, SPAN_STORE_FOLDER } from '../../local/traces/span-store-reader.js';
import { MessagingAttribute, PipelineAttribute } from '../../processors/tracing/span-catalogue.js';
import { buildEventWaterfall, type EventWaterfall } from './event-waterfall.js';
import { renderAggregateLines, renderWaterfall } from './waterfall-text.js';

/** The usage text. */
export const TRACE_USAGE = `Usage: npm run trace -- <eventId> [options]
       npm run trace -- --aggregate <type> <id> [options]

Prints an event's path through the local stack as a waterfall: ingest, stream, processor decision, write, archive
object, bus rule, queue; the time at each hop, and where it stopped if it did. Reads the spans the local stack
records under <data dir>/${SPAN_STORE_FOLDER}/ (docs/tracing.md, "Follow an event").

Options:
  --aggregate             follow every event of one aggregate, one line each, by sequence
  --data-dir <dir>        the local stack's data directory (default: $PIPELINE_DATA_DIR or .local)
  --json                  machine-readable output
  --help

Exit codes: 0 found, 1 not found (no span store, unknown event or aggregate), 2 bad command line.`;

/** Where the command writes. */
export interface TraceCommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** @default process.env */
  readonly processEnv?: NodeJS.ProcessEnv;
}

class TraceUsageError extends Error {
  override readonly name = 'TraceUsageError';
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        aggregate: { type: 'boolean' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new TraceUsageError((error as Error).message);
  }
}

/** Runs the command; resolves to its exit code (0 found, 1 not found, 2 bad command line). */
export async function runTraceCommand(argv: readonly string[], io: TraceCommandIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(`${TRACE_USAGE}\n`);
      return 0;
    }
    if (values.aggregate ? positionals.length !== 2 : positionals.length !== 1)
      throw new TraceUsageError(
        values.aggregate ? '--aggregate takes <aggregate type> <aggregate id>' : 'give one eventId',
      );
  } catch (error) {
    if (!(error instanceof TraceUsageError)) throw error;
    io.err(`trace: ${error.message}\n\n${TRACE_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const dataDir = resolveDataDir(values['data-dir'], io.processEnv ?? process.env);
  const [first, second] = positionals as [string, string | undefined];
  const filter = values.aggregate
    ? (a: Readonly<Record<string, unknown>>) =>
        a[PipelineAttribute.aggregateType] === first && a[PipelineAttribute.aggregateId] === second
    : (a: Readonly<Record<string, unknown>>) => a[MessagingAttribute.messageId] === first;
  const read = await readSpanStore(dataDir, filter);
  if (read === undefined) {
    io.err(
      `trace: no span store in ${dataDir}/${SPAN_STORE_FOLDER}: tracing is off or the stack never ran\n`,
    );
    return 1;
  }
  if (values.aggregate) {
    const events = read.index.eventsOfAggregate(first, second as string);
    const waterfalls = events
      .map((event) => buildEventWaterfall(read.index, event.eventId))
      .filter((waterfall): waterfall is EventWaterfall => waterfall !== undefined);
    if (waterfalls.length === 0) {
      io.err(`trace: no span of aggregate ${first} ${second} in ${dataDir}/${SPAN_STORE_FOLDER}\n`);
      return 1;
    }
    io.out(
      `${values.json ? JSON.stringify({ aggregateType: first, aggregateId: second, events: waterfalls }, null, 2) : renderAggregateLines(first, second as string, waterfalls)}\n`,
    );
    return 0;
  }
  const waterfall = buildEventWaterfall(read.index, first);
  if (waterfall === undefined) {
    io.err(
      `trace: event ${first} is not in the span store (${dataDir}/${SPAN_STORE_FOLDER}): unknown eventId, sampled out, or its spans were rotated away\n`,
    );
    return 1;
  }
  io.out(`${values.json ? JSON.stringify(waterfall, null, 2) : renderWaterfall(waterfall)}\n`);
  return 0;
}
