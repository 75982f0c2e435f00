/**
 * The bench rows of one traffic shape's capacity figures: write units, read units and on-demand cost per applied
 * event, ours beside the baseline's, with issue 16's cost target. Pure.
 */
import type { CapacityUnits } from './capacity-units.js';
import { costPerMillionEvents, type OnDemandPrice, US_EAST_1_ON_DEMAND_PRICE } from './on-demand-price.js';
import type { BenchResult } from './result.js';

/** Issue 16's targets: our cost per event at most this share of the baseline's. */
export const COST_TARGET_SHARE: Readonly<Record<'dense' | 'sparse', number>> = { dense: 0.1, sparse: 0.4 };

/** The measured capacity of one shape: units per applied event, ours and the baseline's. */
export interface ShapeCapacity {
  /** e.g. `dense, short-lived`. */
  readonly shape: string;
  readonly density: 'dense' | 'sparse';
  /** e.g. `100 aggregates × 10 events, 10 per batch`. */
  readonly detail: string;
  readonly ours: CapacityUnits;
  readonly baseline: CapacityUnits;
  readonly baselineName: string;
}

/** `{ ratio: ours ÷ theirs }`, or nothing when the baseline consumed none (a share of nothing is undefined). */
function ratio(ours: number, theirs: number): { ratio?: number } {
  return theirs === 0 ? {} : { ratio: ours / theirs };
}

/**
 * Three rows for one shape: write units per event, read units per event, and $ per million events (with the target).
 * Ratios are ours ÷ baseline: lower is better, and the target reads as the issue states it (`<= 0.4x`).
 */
export function capacityResults(
  measured: ShapeCapacity,
  price: OnDemandPrice = US_EAST_1_ON_DEMAND_PRICE,
): BenchResult[] {
  const label = `(b) ${measured.shape}`;
  const oursCost = costPerMillionEvents(measured.ours, price);
  const theirsCost = costPerMillionEvents(measured.baseline, price);
  const baseline = (value: number) => ({ name: measured.baselineName, value: round(value) });
  return [
    {
      suite: 'processor',
      name: `${label}: write units per applied event`,
      value: round(measured.ours.write),
      unit: 'WU/event',
      baseline: baseline(measured.baseline.write),
      ...ratio(measured.ours.write, measured.baseline.write),
      note: `${measured.detail}; units as DynamoDB reports them (ReturnConsumedCapacity, dynalite); ratio = ours ÷ baseline`,
    },
    {
      suite: 'processor',
      name: `${label}: read units per applied event`,
      value: round(measured.ours.read),
      unit: 'RU/event',
      baseline: baseline(measured.baseline.read),
      ...ratio(measured.ours.read, measured.baseline.read),
    },
    {
      suite: 'processor',
      name: `${label}: on-demand $ per million applied events`,
      value: round(oursCost),
      unit: '$/M events',
      baseline: baseline(theirsCost),
      ...ratio(oursCost, theirsCost),
      target: `<= ${COST_TARGET_SHARE[measured.density]}x`,
      note: `${price.region} $${price.writePerMillion}/M write units, $${price.readPerMillion}/M read units (${price.source}); read and write together; ratio = ours ÷ baseline`,
    },
  ];
}

/** Four significant digits: enough to tell 0.1 from 0.105, without float noise in the JSON. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}

/** Sizes of our snapshot items at the end of a shape's run, in bytes by the documented rules. */
export interface SnapshotSizes {
  readonly median: number;
  readonly largest: number;
}

/** One write unit covers 1 KB: issue 16's target for a snapshot item at any age. */
export const SNAPSHOT_TARGET_BYTES = 1024;

/** The row of our largest snapshot item after one shape's run, held to one write unit (1 KB). */
export function snapshotSizeResult(shape: string, sizes: SnapshotSizes): BenchResult {
  return {
    suite: 'processor',
    name: `(b) ${shape}: snapshot item size, largest`,
    value: sizes.largest,
    unit: 'bytes',
    target: `<= ${SNAPSHOT_TARGET_BYTES}`,
    note: `median ${sizes.median} bytes; sizes by https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html`,
  };
}
