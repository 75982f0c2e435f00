import { describe, expect, it } from 'vitest';
import { capacityResults, type ShapeCapacity, snapshotSizeResult } from '../../bench/capacity-results.js';
import { costPerMillionEvents, type OnDemandPrice } from '../../bench/on-demand-price.js';
import { formatResultsTable, isTargetMet } from '../../bench/table.js';

const price: OnDemandPrice = { region: 'test-1', writePerMillion: 1, readPerMillion: 0.2, source: 'test' };

const shape = (overrides: Partial<ShapeCapacity>): ShapeCapacity => ({
  shape: 'sparse, long-lived',
  density: 'sparse',
  detail: '20 aggregates',
  ours: { write: 1, read: 0.5 },
  baseline: { write: 3, read: 0 },
  baselineName: 'Powertools',
  ...overrides,
});

describe('Function: costPerMillionEvents', () => {
  it('prices write and read units per event at $ per million units', () => {
    expect(costPerMillionEvents({ write: 3, read: 0 }, price)).toBe(3);
    expect(costPerMillionEvents({ write: 1, read: 0.5 }, price)).toBeCloseTo(1.1, 10);
  });

  it('defaults to us-east-1 on-demand: $0.625 per million writes, $0.125 per million reads', () => {
    expect(costPerMillionEvents({ write: 1, read: 1 })).toBeCloseTo(0.75, 10);
  });
});

describe('Function: capacityResults', () => {
  it('gives write units, read units and cost per event, ours beside the baseline, ratio ours ÷ baseline', () => {
    const [write, read, cost] = capacityResults(shape({}), price);
    expect(write).toMatchObject({ value: 1, unit: 'WU/event', baseline: { name: 'Powertools', value: 3 } });
    expect(write?.ratio).toBeCloseTo(1 / 3, 10);
    expect(read).toMatchObject({ value: 0.5, baseline: { value: 0 } });
    // The baseline reads nothing: no share of it to show.
    expect(read?.ratio).toBeUndefined();
    expect(cost).toMatchObject({ value: 1.1, unit: '$/M events', baseline: { value: 3 }, target: '<= 0.4x' });
    expect(cost?.ratio).toBeCloseTo(1.1 / 3, 10);
  });

  it.each([
    ['sparse', { write: 1, read: 0 }, { write: 3, read: 0 }, true],
    ['sparse', { write: 1.5, read: 0 }, { write: 3, read: 0 }, false],
    ['dense', { write: 0.3, read: 0 }, { write: 3, read: 0 }, true],
    ['dense', { write: 0.3, read: 0.1 }, { write: 3, read: 0 }, false],
  ] as const)('holds a %s shape to its target, read and write together', (density, ours, baseline, met) => {
    const cost = capacityResults(shape({ density, ours, baseline }), price)[2];
    expect(cost?.target).toBe(density === 'dense' ? '<= 0.1x' : '<= 0.4x');
    expect(cost && isTargetMet(cost)).toBe(met);
  });

  it('renders in the bench table with the target met or not', () => {
    const table = formatResultsTable(capacityResults(shape({}), price));
    expect(table).toMatch(
      /sparse, long-lived: on-demand \$ per million applied events.*1\.1 \$\/M events.*3 \$\/M events.*0\.37×.*<= 0\.4x\s+yes/,
    );
    expect(table).toContain('test-1 $1/M write units, $0.2/M read units');
  });
});

describe('Function: snapshotSizeResult', () => {
  it.each([
    [1024, true],
    [1025, false],
  ])('holds a largest snapshot of %d bytes to one write unit (met: %s)', (largest, met) => {
    const row = snapshotSizeResult('dense, long-lived', { median: 900, largest });
    expect(row).toMatchObject({ value: largest, unit: 'bytes', target: '<= 1024' });
    expect(row.note).toContain('median 900 bytes');
    expect(isTargetMet(row)).toBe(met);
  });
});
