import { PRESET_SCENARIOS } from './presets.js';
import type { LoadScenario } from './scenario.js';

export type { LoadPhase, LoadScenario } from './scenario.js';

/** Every named preset, by `--scenario` name. */
export const SCENARIOS: Readonly<Record<string, LoadScenario>> = Object.fromEntries(
  PRESET_SCENARIOS.map((scenario) => [scenario.name, scenario]),
);
