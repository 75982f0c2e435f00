import kinesalite from 'kinesalite';
import { startLevelDbEmulator } from './leveldb-emulator.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/** Kinesis emulator options. */
export interface KinesaliteOptions extends EmulatorOptions {
  /** Most shards an account may hold. @default 100 */
  readonly shardLimit?: number;
}

/** Starts kinesalite in this process, on loopback. Streams become ACTIVE at once. */
export function startKinesalite(options: KinesaliteOptions = {}): Promise<RunningEmulator> {
  return startLevelDbEmulator('kinesalite', kinesalite, 'Stream', options, {
    shardLimit: options.shardLimit ?? 100,
  });
}
