import { hotAggregate } from './hot-aggregate.js';
import type { LoadScenario } from './scenario.js';
import { smoke } from './smoke.js';
import { spike } from './spike.js';
import { steady } from './steady.js';

export type { LoadPhase, LoadScenario } from './scenario.js';

/** Every named preset, by `--scenario` name. */
export const SCENARIOS: Readonly<Record<string, LoadScenario>> = {
  [smoke.name]: smoke,
  [steady.name]: steady,
  [spike.name]: spike,
  [hotAggregate.name]: hotAggregate,
};
