import type { Server } from 'node:http';
import kinesalite from 'kinesalite';
import { listenOnLoopback } from '../http/listen-on-loopback.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/** Kinesis emulator options. */
export interface KinesaliteOptions extends EmulatorOptions {
  /** Most shards an account may hold. @default 100 */
  readonly shardLimit?: number;
}

/** Starts kinesalite in this process, on loopback. Streams become ACTIVE at once. */
export function startKinesalite(options: KinesaliteOptions = {}): Promise<RunningEmulator> {
  const server = kinesalite({
    path: options.directory,
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: options.shardLimit ?? 100,
  }) as Server;
  return listenOnLoopback('kinesalite', server, options.port ?? 0);
}
