import type { LoadScenario } from './scenario.js';

/** A base rate, a 5× burst, back to base: does the backlog drain and order hold through the burst? */
export const spike: LoadScenario = {
  name: 'spike',
  description: '200 events/s for 10 s, 1,000 events/s for 10 s, 200 events/s for 10 s',
  phases: [
    { rate: 200, durationSeconds: 10, label: 'base' },
    { rate: 1000, durationSeconds: 10, label: 'spike' },
    { rate: 200, durationSeconds: 10, label: 'recovery' },
  ],
  aggregates: 500,
  eventsPerRequest: 20,
  connections: 8,
};
