import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from './stack-fixture.js';

const children: ChildProcess[] = [];

function runStart(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli/start.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start (local/cli/start.ts)', () => {
  it('exits 2 with a clear message on a bad flag', async () => {
    const run = runStart(['--shards', 'many']);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain('--shards must be an integer');
    expect(run.output().stderr).toContain('Usage: npm start');
  });

  it('prints endpoints.json, and on SIGINT stops cleanly with exit 0 and checkpoints on disk', async () => {
    const dataDir = await tempDataDir();
    const run = runStart(['--data-dir', dataDir, '--quiet']);
    const deadline = Date.now() + 20_000;
    // Bounded by the deadline: wait for the ready line.
    while (!run.output().stdout.includes('ready in')) {
      if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(run.output().stderr);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const printed = run.output().stdout;
    const endpoints = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8'));
    // The token is not printed; the output says where it is, and the files holding it are owner-only.
    expect(printed).not.toContain(endpoints.ingestToken);
    expect(printed).toContain(`"ingestToken" in ${join(dataDir, 'endpoints.json')}`);
    // Tracing is on by default; the output says where the spans go.
    expect(printed).toContain(`spans: ${join(dataDir, 'traces')} (`);
    for (const file of ['endpoints.json', 'stack.json'])
      expect((await stat(join(dataDir, file))).mode & 0o777, file).toBe(0o600);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toContain('stopped:');
    const checkpoints = JSON.parse(
      await readFile(join(dataDir, 'checkpoints', 'lambda-stream-processor-dev.json'), 'utf8'),
    );
    expect(checkpoints.format).toBe('kinesis-checkpoints/1');
  });
});
