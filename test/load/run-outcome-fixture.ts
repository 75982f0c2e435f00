import { RunLedger } from '../../load/ledger.js';
import type { RunOutcome } from '../../load/load-run.js';

/** A finished run that measured nothing (no phases, no verification), for report rendering tests. */
export function quietRunOutcome(overrides: Partial<RunOutcome> = {}): RunOutcome {
  return {
    runId: 'r1',
    aggregatePrefix: 'load-r1',
    startedAt: 0,
    sendingEndedAt: 1000,
    phases: [],
    ledger: new RunLedger(),
    timeline: [],
    drain: undefined,
    lag: undefined,
    verification: undefined,
    delivery: undefined,
    verificationSkipped: 'test',
    unauthorized: false,
    ...overrides,
  };
}

/** The run settings the report rendering tests use. */
export const REPORT_TEST_SETTINGS = { aggregates: 10, eventsPerRequest: 10, connections: 2, seed: 1 };
