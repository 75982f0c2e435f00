import type { LoadScenario } from './scenario.js';

/** 200 events/s for 10 s: quick proof that every stage works end to end. */
export const smoke: LoadScenario = {
  name: 'smoke',
  description: '200 events/s for 10 s over 100 aggregates',
  phases: [{ rate: 200, durationSeconds: 10 }],
  aggregates: 100,
  eventsPerRequest: 10,
  connections: 4,
};
