import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { listenOnLoopback } from '../http/listen-on-loopback.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/** Starts dynalite in this process, on loopback. Tables become ACTIVE at once. */
export function startDynalite(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const server = dynalite({
    path: options.directory,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  }) as Server;
  return listenOnLoopback('dynalite', server, options.port ?? 0);
}
