import type { LoadScenario } from './scenario.js';

/** A sustained moderate rate over many aggregates: the everyday shape. */
export const steady: LoadScenario = {
  name: 'steady',
  description: '500 events/s for 60 s over 2,000 aggregates',
  phases: [{ rate: 500, durationSeconds: 60 }],
  aggregates: 2000,
  eventsPerRequest: 25,
  connections: 8,
};
