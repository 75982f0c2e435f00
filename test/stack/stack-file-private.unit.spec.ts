import { chmod, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStackFile, STACK_FILE } from '../../local/stack/stack-file.js';

const fresh = {
  stack: 'dev',
  shards: 1,
  names: { stream: 's', table: 't', bucket: 'b', bus: 'bus', firehose: 'f', functionName: 'fn' },
};

it.runIf(process.platform !== 'win32')('a new stack.json is 0600', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stack-file-'));
  await openStackFile(dataDir, fresh);
  expect((await stat(join(dataDir, STACK_FILE))).mode & 0o777).toBe(0o600);
});

it.runIf(process.platform !== 'win32')(
  'a world-readable stack.json of an older version is made 0600, with a line saying so',
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stack-file-'));
    const { file } = await openStackFile(dataDir, fresh);
    const path = join(dataDir, STACK_FILE);
    await writeFile(path, JSON.stringify(file));
    await chmod(path, 0o644);
    const told: string[] = [];
    const again = await openStackFile(dataDir, fresh, (m) => told.push(m));
    expect(again.file.ingestToken).toBe(file.ingestToken);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(told).toEqual([expect.stringContaining(`made ${path} readable by its owner only (0600)`)]);
  },
);
