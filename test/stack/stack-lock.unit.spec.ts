import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  judgeLock,
  LOCK_FILE,
  lockDataDir,
  parseLockRecord,
  processStartToken,
} from '../../local/stack/stack-file.js';
import { useTempDir } from '../support/temp-dir.js';

const dir = useTempDir('stack-lock-');

describe('stack.lock', () => {
  it('reads the pid alone (older versions) or the pid and its start token', () => {
    expect(parseLockRecord('1234')).toEqual({ pid: 1234 });
    expect(parseLockRecord('1234 98765\n')).toEqual({ pid: 1234, startToken: '98765' });
    expect(parseLockRecord('')).toBeUndefined();
    expect(parseLockRecord('-3')).toBeUndefined();
  });

  it('judges a live holder held, a dead or reused pid stale', () => {
    const alive = { ownPid: 1, alive: true, startToken: '500' };
    expect(judgeLock({ pid: 7, startToken: '500' }, alive)).toEqual({ held: true });
    expect(judgeLock({ pid: 7 }, alive)).toEqual({ held: true });
    expect(judgeLock({ pid: 7, startToken: '400' }, alive)).toMatchObject({
      held: false,
      reason: expect.stringContaining('now belongs to another process'),
    });
    expect(judgeLock({ pid: 7, startToken: '500' }, { ...alive, alive: false })).toMatchObject({
      held: false,
    });
  });

  it.runIf(process.platform === 'linux')('records this process start time beside its pid', async () => {
    const token = await processStartToken(process.pid);
    expect(token).toMatch(/^\d+$/);
    const release = await lockDataDir(dir());
    expect(parseLockRecord(await readFile(join(dir(), LOCK_FILE), 'utf8'))).toEqual({
      pid: process.pid,
      startToken: token,
    });
    await release();
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid now belongs to another process, saying so',
    async () => {
      // The parent process is alive, but with a start token it never had: its pid was "reused".
      const path = join(dir(), LOCK_FILE);
      await writeFile(path, `${process.ppid} 1\n`);
      const told: string[] = [];
      const release = await lockDataDir(dir(), (message) => told.push(message));
      expect(told).toEqual([expect.stringContaining(`took over the stale lock ${path}`)]);
      expect(told[0]).toContain('now belongs to another process');
      await release();
    },
  );

  it('refuses a live holder, naming the lock file and how to remove it', async () => {
    const path = join(dir(), LOCK_FILE);
    const token = await processStartToken(process.ppid);
    await writeFile(path, `${process.ppid}${token === undefined ? '' : ` ${token}`}\n`);
    const error = await lockDataDir(dir()).catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain(`holding lock file ${path}`);
    expect((error as Error).message).toContain(`remove ${path}`);
    await writeFile(path, '');
  });
});
