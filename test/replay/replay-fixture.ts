import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import type { TimeRange } from '../../processors/replay/index.js';

/** What the replay tests decode archived events with: the order aggregate only. */
export const registry = new AggregateRegistry([orderAggregate]);

/** A delivery time on 2026-01-01, the day the replay tests' archive objects are delivered. */
export const archiveHour = (hour: number, minute = 0): Date => new Date(Date.UTC(2026, 0, 1, hour, minute));

/** The replay range over the first `hours` hours of that day. */
export const firstHours = (hours: number): TimeRange => ({ from: archiveHour(0), to: archiveHour(hours) });
