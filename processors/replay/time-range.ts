import { ReplayOptionsError } from './errors.js';

const RELATIVE = /^([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const HOUR_MS = 3_600_000;

/**
 * Parses an instant: ISO-8601, `now`, or relative to `now` (`-2h`, `-30m`, `-1d`, `+5m`).
 * @example parseInstant('-2h', new Date('2026-01-01T12:00:00Z')) // 2026-01-01T10:00:00Z
 */
export function parseInstant(text: string, now: Date, flag = 'time'): Date {
  if (text === 'now') return new Date(now);
  const relative = RELATIVE.exec(text);
  if (relative !== null) {
    const [, sign, amount, unit] = relative;
    const delta = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    return new Date(now.getTime() + (sign === '-' ? -delta : delta));
  }
  // Only full ISO dates, so `12` or `yesterday` are not accepted by Date's lenient parser.
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new ReplayOptionsError(
      `${flag}: "${text}" is neither an ISO-8601 time nor relative like -2h, -30m, -1d`,
    );
  }
  return new Date(text);
}

/** A half-open interval [from, to) of archive time. */
export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

/** Checks that `from` is before `to`. */
export function checkTimeRange(range: TimeRange): TimeRange {
  if (!(range.from.getTime() < range.to.getTime())) {
    throw new ReplayOptionsError(
      `--from (${range.from.toISOString()}) must be before --to (${range.to.toISOString()})`,
    );
  }
  return range;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The archive's hour prefix (`<prefix>YYYY/MM/DD/HH/`, UTC) of an instant. */
export function hourPrefix(prefix: string, at: Date): string {
  return `${prefix}${pad(at.getUTCFullYear(), 4)}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${pad(at.getUTCHours())}/`;
}

/**
 * How much later than its object's hour folder a record may have arrived. Firehose names an object's hour folder
 * after the approximate arrival of the **oldest** record in it
 * (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html#timestamp-namespace), and an object holds what
 * arrived while its buffer was open: up to the buffer interval, at most 900 s
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/API_BufferingHints.html). A record that arrived at 10:01
 * can therefore sit in folder `…/09/`. A Firehose that lags behind the stream (its iterator age) widens this further;
 * pass a larger slack for ranges around such a time.
 */
export const DEFAULT_ARRIVAL_SLACK_MS = 900_000;

/**
 * Every hour prefix from the hour of `from` to the hour of the last instant before `to`, literally (no widening):
 * what a listing of those folders returns. Replay lists {@link archiveHourPrefixes} instead.
 */
export function hourPrefixes(prefix: string, range: TimeRange, maxHours = 24 * 366 * 5): string[] {
  const start = Math.floor(range.from.getTime() / HOUR_MS) * HOUR_MS;
  const end = range.to.getTime();
  const prefixes: string[] = [];
  for (let t = start; t < end; t += HOUR_MS) {
    if (prefixes.length >= maxHours) {
      throw new ReplayOptionsError(`the time range spans more than ${maxHours} hours`);
    }
    prefixes.push(hourPrefix(prefix, new Date(t)));
  }
  return prefixes;
}

/**
 * The hour folders that can hold records that arrived in `[from, to)`: from the hour of `from − slack` (an object
 * keyed earlier can hold records that arrived up to `slack` after its folder's hour) to the hour of the last instant
 * before `to` (an object keyed at or after `to` holds only records that arrived at or after `to`).
 */
export function archiveHourPrefixes(
  prefix: string,
  range: TimeRange,
  arrivalSlackMs: number = DEFAULT_ARRIVAL_SLACK_MS,
): string[] {
  return hourPrefixes(prefix, listingRange(range, arrivalSlackMs));
}

/**
 * True when an object in the hour folder starting at `hour` can hold records that arrived in the range: the same
 * rule as {@link archiveHourPrefixes}, for listings that cover more than the range (a backfill's common prefix).
 */
export function hourMayHoldArrivals(
  hour: Date,
  range: TimeRange,
  arrivalSlackMs: number = DEFAULT_ARRIVAL_SLACK_MS,
): boolean {
  const listed = listingRange(range, arrivalSlackMs);
  const firstHour = Math.floor(listed.from.getTime() / HOUR_MS) * HOUR_MS;
  return hour.getTime() >= firstHour && hour.getTime() < listed.to.getTime();
}

function listingRange(range: TimeRange, arrivalSlackMs: number): TimeRange {
  if (!Number.isFinite(arrivalSlackMs) || arrivalSlackMs < 0) {
    throw new ReplayOptionsError(`the arrival slack must be a duration ≥ 0, got ${arrivalSlackMs} ms`);
  }
  return { from: new Date(range.from.getTime() - arrivalSlackMs), to: range.to };
}
