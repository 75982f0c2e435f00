/**
 * DynamoDB on-demand throughput prices and the cost of a workload from its units per event. Pure.
 */
import type { CapacityUnits } from './capacity-units.js';

/** Dollars per million request units of a table class in one Region. */
export interface OnDemandPrice {
  readonly region: string;
  /** $ per million write request units. */
  readonly writePerMillion: number;
  /** $ per million read request units. */
  readonly readPerMillion: number;
  /** Where and when the figures were read. */
  readonly source: string;
}

/**
 * us-east-1, Standard table class: $0.625 per million write request units and $0.125 per million read request units,
 * the prices in force since 1 November 2024, when on-demand throughput prices were cut by half (from $1.25 and $0.25).
 * https://aws.amazon.com/dynamodb/pricing/on-demand/ (read 2026-11-30). Prices change: pass your own to
 * {@link costPerMillionEvents} for another Region or date.
 */
export const US_EAST_1_ON_DEMAND_PRICE: OnDemandPrice = {
  region: 'us-east-1',
  writePerMillion: 0.625,
  readPerMillion: 0.125,
  source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (us-east-1, Standard, since 2024-11-01)',
};

/** On-demand dollars per million events, from the read and write units one event costs. */
export function costPerMillionEvents(
  unitsPerEvent: CapacityUnits,
  price: OnDemandPrice = US_EAST_1_ON_DEMAND_PRICE,
): number {
  // Units per event × a million events × $ per million units = $ per million events.
  return unitsPerEvent.write * price.writePerMillion + unitsPerEvent.read * price.readPerMillion;
}
