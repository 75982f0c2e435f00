import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The command line as a user runs it: bad options and unusable targets exit 2 before any traffic.
function runCli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'load/cli.ts', ...args],
      { cwd: join(import.meta.dirname, '..', '..'), timeout: 30_000 },
      (error, _stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr }),
    );
  });
}

describe('load CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 with a clear message on a bad option, writing no report', async () => {
    const { code, stderr } = await runCli(['--events-per-request', '501', '--report-dir', dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--events-per-request must be an integer from 1 to 500/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 2 when there is no local stack in the data directory', async () => {
    const { code, stderr } = await runCli([
      '--target',
      'local',
      '--data-dir',
      join(dir, 'none'),
      '--report-dir',
      dir,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no local stack at .*none.*start it with npm start/);
    expect(await readdir(dir)).toEqual([]);
  });
});
