import type { Server } from 'node:http';
import { listenOnLoopback } from '../http/listen-on-loopback.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/**
 * Starts one of mhart's LevelDB-backed emulators (dynalite, kinesalite) in this process, on loopback, with every
 * create/delete/update of a `resource` taking no time, so resources are ACTIVE at once (AWS takes seconds).
 */
export function startLevelDbEmulator(
  name: string,
  create: (options: Record<string, unknown>) => Server,
  resource: 'Table' | 'Stream',
  options: EmulatorOptions,
  extra: Record<string, unknown> = {},
): Promise<RunningEmulator> {
  const server = create({
    path: options.directory,
    [`create${resource}Ms`]: 0,
    [`delete${resource}Ms`]: 0,
    [`update${resource}Ms`]: 0,
    ...extra,
  });
  return listenOnLoopback(name, server, options.port ?? 0);
}
