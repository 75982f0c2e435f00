import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { guardRequestListeners, PortInUseError } from '../http/listen-on-loopback.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/** S3 emulator options. */
export interface S3rverOptions extends EmulatorOptions {
  /** Buckets to create at start (idempotent). */
  readonly buckets?: readonly string[];
}

/** Starts s3rver in this process, on loopback. Without `directory` it uses a temporary one, removed on close. */
export async function startS3rver(options: S3rverOptions = {}): Promise<RunningEmulator> {
  const temporary = options.directory === undefined ? await mkdtemp(join(tmpdir(), 's3rver-')) : undefined;
  const directory = options.directory ?? (temporary as string);
  const port = options.port ?? 0;
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  let address: { port: number };
  try {
    address = (await server.run()) as { port: number };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new PortInUseError('s3rver', port, { cause: error });
    throw error;
  }
  // s3rver listens by itself, not through listenOnLoopback: its server gets the same guard against malformed targets.
  guardRequestListeners('s3rver', (server as unknown as { httpServer: Server }).httpServer);
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: async () => {
      await server.close();
      if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
    },
  };
}
