import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/result.js';
import {
  type BenchReport,
  formatNumber,
  formatResultsTable,
  isTargetMet,
  parseTarget,
  writeResultsJson,
} from '../../bench/table.js';

const result = (overrides: Partial<BenchResult>): BenchResult => ({
  suite: 'engine',
  name: 'throughput',
  value: 150_000,
  unit: 'events/s',
  ...overrides,
});

describe('Function: parseTarget', () => {
  it.each([
    ['>= 100000 events/s', { comparator: '>=', threshold: 100_000, onRatio: false }],
    ['≥ 5x', { comparator: '>=', threshold: 5, onRatio: true }],
    ['≤ 0.1 writes/event', { comparator: '<=', threshold: 0.1, onRatio: false }],
    ['< 1,000 ms', { comparator: '<', threshold: 1000, onRatio: false }],
    ['> 2×', { comparator: '>', threshold: 2, onRatio: true }],
  ])('parses %s', (target, expected) => {
    expect(parseTarget(target)).toEqual(expected);
  });

  it('returns undefined for a target without a comparison', () => {
    expect(parseTarget('fast enough')).toBeUndefined();
  });
});

describe('Function: isTargetMet', () => {
  it.each([
    [result({ target: '>= 100000' }), true],
    [result({ value: 99_999, target: '>= 100000' }), false],
    [result({ value: 0.05, target: '<= 0.1' }), true],
    [result({ value: 0.2, target: '<= 0.1' }), false],
    [result({ ratio: 6, target: '>= 5x' }), true],
    [result({ ratio: 4.9, target: '>= 5x' }), false],
    [result({ target: '>= 5x' }), undefined],
    [result({ target: 'n/a' }), undefined],
    [result({}), undefined],
  ])('evaluates %o as %s', (input, expected) => {
    expect(isTargetMet(input)).toBe(expected);
  });
});

describe('Function: formatNumber', () => {
  it.each([
    [123_456.7, '123,457'],
    [512.4, '512'],
    [42.25, '42.3'],
    [3.45678, '3.46'],
    [0.012345, '0.0123'],
    [0, '0'],
  ])('formats %d as %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });
});

describe('Function: formatResultsTable', () => {
  const results = [
    result({ target: '>= 100000 events/s' }),
    result({
      suite: 'processor',
      name: 'wall time',
      value: 400,
      unit: 'ms',
      baseline: { name: 'Powertools batch + idempotency', value: 4000 },
      ratio: 10,
      target: '>= 5x',
      note: 'dynalite, 2 cores',
    }),
    result({
      suite: 'processor',
      name: 'writes per event',
      value: 0.3,
      unit: 'writes/event',
      target: '<= 0.1',
    }),
  ];
  const lines = formatResultsTable(results).split('\n');

  it('prints a header, a rule and one aligned row per result', () => {
    expect(lines[0]).toMatch(/^suite\s+measure\s+value\s+baseline\s+ratio\s+target\s+met$/);
    expect(lines[1]).toMatch(/^-+( +-+){6}$/);
    // The value column is right-aligned: every value cell ends where the rule's third dash run ends.
    const end = (lines[1] ?? '').split('  ').slice(0, 3).join('  ').length;
    expect(lines[0]?.slice(0, end)).toMatch(/\svalue$/);
    expect(lines[2]?.slice(0, end)).toMatch(/\s150,000 events\/s$/);
    expect(lines[3]?.slice(0, end)).toMatch(/\s400 ms$/);
    expect(lines[4]?.slice(0, end)).toMatch(/\s0\.3 writes\/event$/);
  });

  it('shows baseline, ratio, target and whether it is met', () => {
    expect(lines[2]).toMatch(/>= 100000 events\/s\s+yes$/);
    expect(lines[3]).toContain('4,000 ms');
    expect(lines[3]).toContain('10.00×');
    expect(lines[3]).toMatch(/>= 5x\s+yes$/);
    expect(lines[4]).toMatch(/<= 0\.1\s+NO$/);
  });

  it('puts the baseline name and the note in a numbered footnote', () => {
    expect(lines[3]).toContain('wall time [1]');
    expect(lines.at(-1)).toBe('[1] baseline: Powertools batch + idempotency. dynalite, 2 cores');
  });

  it('gives rows with the same footnote the same number', () => {
    const baseline = { name: 'Powertools', value: 3 };
    const shared = formatResultsTable([
      result({ name: 'a', baseline }),
      result({ name: 'b', baseline, note: 'own note' }),
      result({ name: 'c', baseline }),
    ]).split('\n');
    expect(shared[2]).toContain('a [1]');
    expect(shared[3]).toContain('b [2]');
    expect(shared[4]).toContain('c [1]');
    expect(shared.slice(-2)).toEqual(['[1] baseline: Powertools.', '[2] baseline: Powertools. own note']);
  });
});

describe('Function: writeResultsJson', () => {
  it('writes the results and machine facts to results-<timestamp>.json', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'bench-'));
    try {
      const results = [result({ target: '>= 1' })];
      const file = await writeResultsJson(results, {
        directory,
        now: new Date('2026-11-23T10:11:12.345Z'),
      });
      expect(path.basename(file)).toBe('results-2026-11-23T10-11-12-345Z.json');
      const report = JSON.parse(await readFile(file, 'utf8')) as BenchReport;
      expect(report.results).toEqual(results);
      expect(report.startedAt).toBe('2026-11-23T10:11:12.345Z');
      expect(report.machine.node).toBe(process.version);
      expect(report.machine.cpus).toBeGreaterThan(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
