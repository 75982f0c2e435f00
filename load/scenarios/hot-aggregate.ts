import type { LoadScenario } from './scenario.js';

/** Few aggregates with long sequences: many events of one aggregate per batch, gap buffering pressure. */
export const hotAggregate: LoadScenario = {
  name: 'hot-aggregate',
  description: '300 events/s for 20 s over 5 aggregates (≈1,200 events each)',
  phases: [{ rate: 300, durationSeconds: 20 }],
  aggregates: 5,
  eventsPerRequest: 10,
  connections: 5,
};
