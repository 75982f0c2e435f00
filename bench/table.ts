import os from 'node:os';
import path from 'node:path';
import { writeJsonFile } from '../processors/files/index.js';
import type { BenchResult } from './result.js';

/** A parsed `BenchResult.target`. */
export interface ParsedTarget {
  readonly comparator: '>=' | '<=' | '>' | '<';
  readonly threshold: number;
  /** True when the target is on `ratio` (written with a trailing `x` or `×`), false when on `value`. */
  readonly onRatio: boolean;
}

const TARGET_PATTERN = /^\s*(>=|<=|≥|≤|>|<)\s*([0-9][0-9_,]*(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*([x×])?/i;
const COMPARATOR_ALIASES = { '≥': '>=', '≤': '<=' } as const;

/** Parses a target such as `>= 100000 events/s` or `≥ 5x`; undefined when it does not start with a comparison. */
export function parseTarget(target: string): ParsedTarget | undefined {
  const match = TARGET_PATTERN.exec(target);
  if (match === null) return undefined;
  const [, rawComparator = '', rawNumber = '', ratioMark] = match;
  const comparator =
    rawComparator in COMPARATOR_ALIASES
      ? COMPARATOR_ALIASES[rawComparator as keyof typeof COMPARATOR_ALIASES]
      : (rawComparator as ParsedTarget['comparator']);
  const threshold = Number(rawNumber.replaceAll(/[_,]/g, ''));
  if (!Number.isFinite(threshold)) return undefined;
  return { comparator, threshold, onRatio: ratioMark !== undefined };
}

/** Whether a result meets its target: undefined when it has none, it cannot be parsed, or its ratio is missing. */
export function isTargetMet(result: BenchResult): boolean | undefined {
  if (result.target === undefined) return undefined;
  const target = parseTarget(result.target);
  if (target === undefined) return undefined;
  const measured = target.onRatio ? result.ratio : result.value;
  if (measured === undefined || !Number.isFinite(measured)) return undefined;
  switch (target.comparator) {
    case '>=':
      return measured >= target.threshold;
    case '<=':
      return measured <= target.threshold;
    case '>':
      return measured > target.threshold;
    case '<':
      return measured < target.threshold;
    default: {
      const unreachable: never = target.comparator;
      return unreachable;
    }
  }
}

/** Formats a figure for reading: thousands separators for large numbers, three significant digits for small. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

const HEADERS = ['suite', 'measure', 'value', 'baseline', 'ratio', 'target', 'met'] as const;

function metLabel(result: BenchResult): string {
  if (result.target === undefined) return '';
  const met = isTargetMet(result);
  if (met === undefined) return '?';
  return met ? 'yes' : 'NO';
}

function rowOf(result: BenchResult, footnote: number | undefined): string[] {
  const marker = footnote === undefined ? '' : ` [${footnote}]`;
  return [
    result.suite,
    `${result.name}${marker}`,
    `${formatNumber(result.value)} ${result.unit}`,
    result.baseline === undefined ? '' : `${formatNumber(result.baseline.value)} ${result.unit}`,
    result.ratio === undefined ? '' : `${result.ratio.toFixed(2)}×`,
    result.target ?? '',
    metLabel(result),
  ];
}

function footnoteOf(result: BenchResult): string | undefined {
  const parts: string[] = [];
  if (result.baseline !== undefined) parts.push(`baseline: ${result.baseline.name}.`);
  if (result.note !== undefined) parts.push(result.note);
  return parts.length === 0 ? undefined : parts.join(' ');
}

/**
 * Renders results as an aligned plain-text table, with baseline names and notes as numbered footnotes (one number
 * per distinct footnote).
 *
 * @example
 * ```ts
 * console.log(formatResultsTable(results));
 * ```
 */
export function formatResultsTable(results: readonly BenchResult[]): string {
  const footnotes: string[] = [];
  // Rows with the same footnote (often just the baseline's name) share its number.
  const numbers = new Map<string, number>();
  const rows = results.map((result) => {
    const footnote = footnoteOf(result);
    if (footnote === undefined) return rowOf(result, undefined);
    let number = numbers.get(footnote);
    if (number === undefined) {
      footnotes.push(footnote);
      number = footnotes.length;
      numbers.set(footnote, number);
    }
    return rowOf(result, number);
  });
  const table = [[...HEADERS], ...rows];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  // Numbers read best right-aligned; text left-aligned.
  const rightAligned = new Set([2, 3, 4]);
  const render = (row: readonly string[]): string =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const lines = [render(table[0] ?? []), rule, ...rows.map(render)];
  if (footnotes.length > 0) {
    lines.push('');
    footnotes.forEach((text, index) => {
      lines.push(`[${index + 1}] ${text}`);
    });
  }
  return lines.join('\n');
}

/** Options of {@link writeResultsJson}. */
export interface WriteResultsOptions {
  /** @default `.bench` under the current working directory */
  readonly directory?: string;
  /** @default new Date() */
  readonly now?: Date;
}

/** The JSON document `npm run bench` writes. */
export interface BenchReport {
  readonly startedAt: string;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
  };
  readonly results: readonly BenchResult[];
}

/** Writes results to `<directory>/results-<timestamp>.json` and returns the file's path. */
export async function writeResultsJson(
  results: readonly BenchResult[],
  options: WriteResultsOptions = {},
): Promise<string> {
  const directory = options.directory ?? path.resolve('.bench');
  const now = options.now ?? new Date();
  const cpus = os.cpus();
  const report: BenchReport = {
    startedAt: now.toISOString(),
    machine: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
    },
    results,
  };
  // Colons are not allowed in Windows file names; milliseconds keep two quick runs apart; still sortable.
  const stamp = now.toISOString().replaceAll(':', '-').replace('.', '-');
  const file = path.join(directory, `results-${stamp}.json`);
  await writeJsonFile(file, report);
  return file;
}
