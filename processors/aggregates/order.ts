import { z } from 'zod';
import { defineAggregate } from './registry.js';

/** Lifecycle of an order. */
export type OrderStatus = 'new' | 'placed' | 'paid' | 'shipped' | 'cancelled';

/** One order line, by SKU. */
export interface OrderLine {
  readonly quantity: number;
  readonly unitPrice: number;
}

/** The projection of an `order` aggregate. */
export interface OrderState {
  readonly status: OrderStatus;
  readonly customerId: string | null;
  readonly currency: string | null;
  /**
   * Lines by SKU; a line whose quantity drops to 0 is removed. Keyed by user input, so lines are read as own keys
   * only (`lineOf`): a SKU `constructor` or `toString` is a line like any other, never an inherited member. Lines
   * are written with computed keys and spread, which define own properties (even `__proto__`).
   */
  readonly items: Readonly<Record<string, OrderLine>>;
  /** Sum of quantity × unitPrice over the lines. */
  readonly total: number;
  readonly amountPaid: number;
  readonly paymentId: string | null;
  readonly carrier: string | null;
  readonly trackingNumber: string | null;
  readonly cancelReason: string | null;
}

const nonEmpty = z.string().min(1);

/** Data schemas of the example domain, keyed by event type then `schemaVersion`. */
export const orderEventSchemas = {
  OrderPlaced: {
    1: z.strictObject({
      customerId: nonEmpty,
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter upper-case currency code'),
    }),
  },
  ItemAdded: {
    1: z.strictObject({ sku: nonEmpty, quantity: z.number().int().min(1), unitPrice: z.number().min(0) }),
  },
  ItemRemoved: { 1: z.strictObject({ sku: nonEmpty, quantity: z.number().int().min(1) }) },
  OrderPaid: { 1: z.strictObject({ amount: z.number().min(0), paymentId: nonEmpty }) },
  OrderShipped: { 1: z.strictObject({ carrier: nonEmpty, trackingNumber: nonEmpty }) },
  OrderCancelled: { 1: z.strictObject({ reason: nonEmpty }) },
} as const;

/** The example domain's event type names. */
export type OrderEventType = keyof typeof orderEventSchemas;

/** The initial state of an order before any event. */
export function initialOrderState(): OrderState {
  return {
    status: 'new',
    customerId: null,
    currency: null,
    items: {},
    total: 0,
    amountPaid: 0,
    paymentId: null,
    carrier: null,
    trackingNumber: null,
    cancelReason: null,
  };
}

// Float sums drift (0.1 + 0.2); six decimals covers every ISO-4217 minor unit.
function roundMoney(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The line of `sku`, if the order has one (own keys only). */
function lineOf(items: Readonly<Record<string, OrderLine>>, sku: string): OrderLine | undefined {
  return Object.hasOwn(items, sku) ? items[sku] : undefined;
}

function totalOf(items: Readonly<Record<string, OrderLine>>): number {
  let total = 0;
  for (const line of Object.values(items)) total += line.quantity * line.unitPrice;
  return roundMoney(total);
}

/** The example aggregate type `order`: events are facts, so every fold step is total and never throws. */
export const orderAggregate = defineAggregate<OrderState>('order', initialOrderState)
  .event('OrderPlaced', orderEventSchemas.OrderPlaced, (state, { data }) => ({
    ...state,
    status: 'placed',
    customerId: data.customerId,
    currency: data.currency,
  }))
  .event('ItemAdded', orderEventSchemas.ItemAdded, (state, { data }) => {
    const existing = lineOf(state.items, data.sku);
    // A re-added SKU takes the latest unit price for the whole line.
    const items = {
      ...state.items,
      [data.sku]: { quantity: (existing?.quantity ?? 0) + data.quantity, unitPrice: data.unitPrice },
    };
    return { ...state, items, total: totalOf(items) };
  })
  .event('ItemRemoved', orderEventSchemas.ItemRemoved, (state, { data }) => {
    const existing = lineOf(state.items, data.sku);
    if (existing === undefined) return state;
    const quantity = existing.quantity - data.quantity;
    const { [data.sku]: _removed, ...rest } = state.items;
    const items = quantity > 0 ? { ...rest, [data.sku]: { ...existing, quantity } } : rest;
    return { ...state, items, total: totalOf(items) };
  })
  .event('OrderPaid', orderEventSchemas.OrderPaid, (state, { data }) => ({
    ...state,
    status: 'paid',
    amountPaid: roundMoney(state.amountPaid + data.amount),
    paymentId: data.paymentId,
  }))
  .event('OrderShipped', orderEventSchemas.OrderShipped, (state, { data }) => ({
    ...state,
    status: 'shipped',
    carrier: data.carrier,
    trackingNumber: data.trackingNumber,
  }))
  .event('OrderCancelled', orderEventSchemas.OrderCancelled, (state, { data }) => ({
    ...state,
    status: 'cancelled',
    cancelReason: data.reason,
  }))
  .build();
