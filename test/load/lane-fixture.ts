import { Lane, type LaneListener } from '../../load/lane.js';
import { loadOrderStream } from '../../load/order-stream.js';
import { createSeededRandom } from '../../processors/aggregates/index.js';
import { DEFAULT_ORDER_EVENT_MIX } from '../../processors/aggregates/order-events.js';

/** Options of {@link seededLane}. */
export interface SeededLaneOptions {
  readonly listener: LaneListener;
  readonly seed: number;
  /** Aggregate ids are `<prefix><n>`. @default 'agg-' */
  readonly prefix?: string;
  readonly aggregates: number;
  readonly eventsPerRequest: number;
  readonly maxAttempts: number;
  /** @default 0 */
  readonly index?: number;
}

/** One load lane over seeded order streams, as the load command builds them, for tests. */
export function seededLane(options: SeededLaneOptions): Lane {
  const random = createSeededRandom(options.seed);
  let n = 0;
  const newStream = () =>
    loadOrderStream(`${options.prefix ?? 'agg-'}${n++}`, DEFAULT_ORDER_EVENT_MIX, random);
  return new Lane({
    index: options.index ?? 0,
    streams: Array.from({ length: options.aggregates }, newStream),
    eventsPerRequest: options.eventsPerRequest,
    maxAttempts: options.maxAttempts,
    random,
    newStream,
    listener: options.listener,
  });
}
