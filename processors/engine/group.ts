import type { Envelope } from '../envelope/schema.js';
import { type AggregateKey, aggregatePk } from './snapshot.js';

/** A batch's records of one aggregate, in stream order, with their positions in the batch. */
export interface AggregateGroup<R> {
  readonly pk: string;
  readonly key: AggregateKey;
  readonly items: R[];
}

/** Groups records by aggregate, keeping stream order within each group and first-seen order between groups. */
export function groupByAggregate<R>(
  records: readonly R[],
  envelopeOf: (record: R) => Envelope,
): AggregateGroup<R>[] {
  const groups = new Map<string, AggregateGroup<R>>();
  for (const record of records) {
    const envelope = envelopeOf(record);
    const key = { aggregateType: envelope.aggregateType, aggregateId: envelope.aggregateId };
    const pk = aggregatePk(key);
    let group = groups.get(pk);
    if (group === undefined) {
      group = { pk, key, items: [] };
      groups.set(pk, group);
    }
    group.items.push(record);
  }
  return [...groups.values()];
}
