import type { LoadScenario } from './scenario.js';

/** The named presets of `--scenario`, as one table: any field may still be overridden on the command line. */
export const PRESET_SCENARIOS: readonly LoadScenario[] = [
  {
    // Quick proof that every stage works end to end.
    name: 'smoke',
    description: '200 events/s for 10 s over 100 aggregates',
    phases: [{ rate: 200, durationSeconds: 10 }],
    aggregates: 100,
    eventsPerRequest: 10,
    connections: 4,
  },
  {
    // A sustained moderate rate over many aggregates: the everyday shape.
    name: 'steady',
    description: '500 events/s for 60 s over 2,000 aggregates',
    phases: [{ rate: 500, durationSeconds: 60 }],
    aggregates: 2000,
    eventsPerRequest: 25,
    connections: 8,
  },
  {
    // A base rate, a 5× burst, back to base: does the backlog drain and order hold through the burst?
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
  },
  {
    // Few aggregates with long sequences: many events of one aggregate per batch, gap buffering pressure.
    name: 'hot-aggregate',
    description: '300 events/s for 20 s over 5 aggregates (≈1,200 events each)',
    phases: [{ rate: 300, durationSeconds: 20 }],
    aggregates: 5,
    eventsPerRequest: 10,
    connections: 5,
  },
  {
    // Load under injected faults, on a stack of its own (docs/load.md "Chaos"): nothing lost, applied twice or reordered.
    name: 'chaos',
    description:
      '200 events/s for 15 s over 100 aggregates, on its own local stack with faults injected (5% of calls per kind)',
    phases: [{ rate: 200, durationSeconds: 15 }],
    aggregates: 100,
    eventsPerRequest: 10,
    connections: 4,
  },
  {
    // Over one shard's 1,000 records/s write limit, on its own stack with AWS's Kinesis limits (docs/load.md
    // "Where AWS would throttle"): the report shows where AWS would push back with the configured shard count.
    name: 'shard-limits',
    description:
      '1,500 events/s for 10 s over 500 aggregates, on its own local stack with Kinesis per-shard limits enforced',
    phases: [{ rate: 1500, durationSeconds: 10 }],
    aggregates: 500,
    eventsPerRequest: 50,
    connections: 8,
  },
];
