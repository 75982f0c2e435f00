import { InvalidLoadOptionsError } from './errors.js';

/** Event types of the order domain a load run draws after each aggregate's `OrderPlaced`. */
export const MIXABLE_EVENT_TYPES = [
  'ItemAdded',
  'ItemRemoved',
  'OrderPaid',
  'OrderShipped',
  'OrderCancelled',
] as const;

/** One mixable order event type. */
export type MixableEventType = (typeof MIXABLE_EVENT_TYPES)[number];

/** Relative weights of the event types after `OrderPlaced` (sequence 1 is always `OrderPlaced`). */
export type EventMix = Readonly<Record<MixableEventType, number>>;

/** Mostly item lines, some payments and shipments, a few cancellations. */
export const DEFAULT_EVENT_MIX: EventMix = {
  ItemAdded: 6,
  ItemRemoved: 2,
  OrderPaid: 1,
  OrderShipped: 1,
  OrderCancelled: 0.2,
};

/**
 * Parses `--mix ItemAdded=6,ItemRemoved=2,...`: types not named get weight 0; at least one weight > 0.
 * @example parseEventMix('ItemAdded=1') // { ItemAdded: 1, ItemRemoved: 0, ... }
 */
export function parseEventMix(text: string): EventMix {
  const mix: Record<MixableEventType, number> = {
    ItemAdded: 0,
    ItemRemoved: 0,
    OrderPaid: 0,
    OrderShipped: 0,
    OrderCancelled: 0,
  };
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name, weight] = part.split('=');
    if (!MIXABLE_EVENT_TYPES.includes(name as MixableEventType))
      throw new InvalidLoadOptionsError(
        `--mix: unknown event type "${name}"; use ${MIXABLE_EVENT_TYPES.join(', ')} (OrderPlaced is always sequence 1)`,
      );
    const value = Number(weight);
    if (weight === undefined || !Number.isFinite(value) || value < 0)
      throw new InvalidLoadOptionsError(`--mix: "${part}" needs a weight ≥ 0, e.g. ${name}=3`);
    mix[name as MixableEventType] = value;
  }
  if (Object.values(mix).every((w) => w === 0))
    throw new InvalidLoadOptionsError('--mix: at least one event type needs a weight > 0');
  return mix;
}

/** Draws an event type by weight (pure given `random`). */
export function drawEventType(mix: EventMix, random: () => number): MixableEventType {
  const total = MIXABLE_EVENT_TYPES.reduce((sum, type) => sum + mix[type], 0);
  let point = random() * total;
  for (const type of MIXABLE_EVENT_TYPES) {
    point -= mix[type];
    if (point < 0 && mix[type] > 0) return type;
  }
  return MIXABLE_EVENT_TYPES.findLast((type) => mix[type] > 0) ?? 'ItemAdded';
}
