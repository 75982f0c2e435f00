import dynalite from 'dynalite';
import { startLevelDbEmulator } from './leveldb-emulator.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/** Starts dynalite in this process, on loopback. Tables become ACTIVE at once. */
export function startDynalite(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startLevelDbEmulator('dynalite', dynalite, 'Table', options);
}
