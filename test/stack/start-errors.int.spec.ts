import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../local/emulators/index.js';
import { DataDirError, startLocalStack } from '../../local/stack/index.js';
import { tempDataDir } from './stack-fixture.js';

let blocker: Server;
let blockedPort: number;

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  blockedPort = (blocker.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => blocker.close(() => resolve()));
});

describe('startLocalStack refuses clearly', () => {
  it.each([
    ['kinesis', 'kinesalite'],
    ['ingest', 'ingest'],
    ['eventbridge', 'eventbridge'],
  ] as const)('a taken %s port, naming the service and the port', async (service, name) => {
    const dataDir = await tempDataDir();
    const error = await startLocalStack({ dataDir, quiet: true, ports: { [service]: blockedPort } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(`port ${blockedPort}`);
    expect((error as Error).message).toContain(`${name}:`);
  });

  it('a corrupt stack.json, leaving it in place', async () => {
    const dataDir = await tempDataDir();
    await writeFile(join(dataDir, 'stack.json'), '{"format": "local-stack/1", oops');
    const error = await startLocalStack({ dataDir, quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirError);
    expect((error as Error).message).toMatch(/stack\.json is not JSON \(corrupt\).*Nothing was deleted/);
    expect(await readFile(join(dataDir, 'stack.json'), 'utf8')).toBe('{"format": "local-stack/1", oops');
  });

  it('a data dir from an incompatible version', async () => {
    const dataDir = await tempDataDir();
    await writeFile(join(dataDir, 'stack.json'), JSON.stringify({ format: 'local-stack/0' }));
    await expect(startLocalStack({ dataDir, quiet: true })).rejects.toThrow(/incompatible version/);
  });

  it('a non-empty directory that is not a local stack data dir', async () => {
    const dataDir = await tempDataDir();
    await writeFile(join(dataDir, 'notes.txt'), 'mine');
    await expect(startLocalStack({ dataDir, quiet: true })).rejects.toThrow(
      /not a local stack's data directory/,
    );
  });

  it('a corrupt checkpoint file, naming it; the stack can start again once it is fixed', async () => {
    const dataDir = await tempDataDir();
    const stack = await startLocalStack({ dataDir, quiet: true, logLevel: 'SILENT' });
    await stack.stop();
    const file = join(dataDir, 'checkpoints', 'lambda-stream-processor-dev.json');
    const good = await readFile(file, 'utf8');
    await mkdir(join(dataDir, 'checkpoints'), { recursive: true });
    await writeFile(file, '{ half a file');
    const error = await startLocalStack({ dataDir, quiet: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirError);
    expect((error as Error).message).toContain(file);
    await writeFile(file, good);
    const again = await startLocalStack({ dataDir, quiet: true, logLevel: 'SILENT' });
    await again.stop();
  });

  it('a data dir another live process holds; a lock left by a dead process is taken over', async () => {
    const dataDir = await tempDataDir();
    const stack = await startLocalStack({ dataDir, quiet: true, logLevel: 'SILENT' });
    await stack.stop();
    await writeFile(join(dataDir, 'stack.lock'), String(process.ppid));
    await expect(startLocalStack({ dataDir, quiet: true })).rejects.toThrow(
      `is in use by another local stack (pid ${process.ppid})`,
    );
    await writeFile(join(dataDir, 'stack.lock'), '999999999');
    const again = await startLocalStack({ dataDir, quiet: true, logLevel: 'SILENT' });
    await again.stop();
  });
});
