// The mix itself belongs to the one order-event generator (processors/aggregates); load only parses it from the command line.
import {
  MIXABLE_ORDER_EVENT_TYPES,
  type MixableOrderEventType,
  type OrderEventMix,
} from '../processors/aggregates/order-events.js';
import { InvalidLoadOptionsError } from './errors.js';

/**
 * Parses `--mix ItemAdded=6,ItemRemoved=2,...`: types not named get weight 0; at least one weight > 0.
 * @example parseEventMix('ItemAdded=1') // { ItemAdded: 1, ItemRemoved: 0, ... }
 */
export function parseEventMix(text: string): OrderEventMix {
  const mix: Record<MixableOrderEventType, number> = {
    ItemAdded: 0,
    ItemRemoved: 0,
    OrderPaid: 0,
    OrderShipped: 0,
    OrderCancelled: 0,
  };
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name, weight] = part.split('=');
    if (!MIXABLE_ORDER_EVENT_TYPES.includes(name as MixableOrderEventType))
      throw new InvalidLoadOptionsError(
        `--mix: unknown event type "${name}"; use ${MIXABLE_ORDER_EVENT_TYPES.join(', ')} (OrderPlaced is always sequence 1)`,
      );
    const value = Number(weight);
    if (weight === undefined || !Number.isFinite(value) || value < 0)
      throw new InvalidLoadOptionsError(`--mix: "${part}" needs a weight ≥ 0, e.g. ${name}=3`);
    mix[name as MixableOrderEventType] = value;
  }
  if (Object.values(mix).every((w) => w === 0))
    throw new InvalidLoadOptionsError('--mix: at least one event type needs a weight > 0');
  return mix;
}
