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
 * Every hour prefix that can hold objects of the range: from the hour of `from` to the hour of the last instant
 * before `to`. Firehose names an object by the hour it was delivered, so a range is widened to whole hours.
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
