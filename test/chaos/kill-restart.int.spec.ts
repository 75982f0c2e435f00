import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadCommandResult, runLoadCommand } from '../../load/load-command.js';
import { parseLoadOptions } from '../../load/options.js';
import { ProgressLine } from '../../load/progress-bar.js';

/** The five ports of `--port-base p` (kinesis p … eventbridge p+4), all free now. */
async function freePortBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let all = true;
    for (let port = base; port < base + 5 && all; port++) all = await free(port);
    if (all) return base;
  }
  throw new Error('no five consecutive free ports');
}

interface StartedStack {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  output(): string;
}

/** `npm start` in a child process, resolved once it prints that it is ready. */
async function startStack(dataDir: string, portBase: number): Promise<StartedStack> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/cli/start.ts',
      '--data-dir',
      dataDir,
      '--port-base',
      String(portBase),
      '--archive-interval',
      '1',
      '--quiet',
      '--log-level',
      'SILENT',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('ready in')) {
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the stack did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, exited, output: () => output };
}

// kill -9 of the whole stack mid-load, then a restart on the same data directory and ports: the load keeps
// retrying through the outage, and every aggregate, the archive and the bus are exact afterwards.
describe('kill -9 mid-load and restart on the same data directory', () => {
  let dir: string;
  let stack: StartedStack | undefined;
  let result: LoadCommandResult;
  let killedAt = 0;
  let restartedAt = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chaos-kill-'));
    const dataDir = join(dir, 'data');
    const portBase = await freePortBase();
    stack = await startStack(dataDir, portBase);
    const options = parseLoadOptions([
      '--data-dir',
      dataDir,
      '--rate',
      '200',
      '--duration',
      '12',
      '--aggregates',
      '40',
      '--report-dir',
      join(dir, 'reports'),
      // Each lane retries its unanswered request through the outage (connection refused) until the stack is back.
      '--max-attempts',
      '100',
      '--timeout',
      '3',
      '--drain-timeout',
      '40',
    ]);
    const load = runLoadCommand(options, { progress: new ProgressLine(undefined), log: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const first = stack;
    first.child.kill('SIGKILL');
    killedAt = Date.now();
    await first.exited;
    stack = await startStack(dataDir, portBase);
    restartedAt = Date.now();
    result = await load;
  }, 150_000);

  afterAll(async () => {
    if (stack !== undefined && stack.child.exitCode === null) {
      stack.child.kill('SIGINT');
      await stack.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('was killed mid-load: events were acknowledged before the kill and after the restart', () => {
    const run = result.report.run;
    const began = Date.parse(run?.startedAt ?? '');
    const timeline = run?.timeline ?? [];
    const acceptedBetween = (from: number, to: number) =>
      timeline
        .filter((p) => began + p.t * 1000 >= from && began + (p.t + 1) * 1000 <= to)
        .reduce((sum, p) => sum + p.eventsAccepted, 0);
    expect(acceptedBetween(began, killedAt)).toBeGreaterThan(100);
    expect(acceptedBetween(restartedAt, Number.MAX_SAFE_INTEGER)).toBeGreaterThan(0);
    // Requests without an answer during the outage (connection refused, or reset / timed out), retried by the lanes.
    const byStatus = run?.requests.byStatus ?? {};
    expect((byStatus.refused ?? 0) + (byStatus.timeout ?? 0)).toBeGreaterThan(0);
  });

  it('every aggregate has its version and chain, the archive and the bus every accepted event', () => {
    const run = result.report.run;
    expect(run?.verification?.mismatches).toEqual([]);
    expect(run?.delivery).toMatchObject({ lost: 0, appliedTwice: 0, outOfOrder: 0 });
    expect(run?.verification?.archive?.missing).toBe(0);
    expect(run?.verification?.bus?.missing).toBe(0);
    expect(result.exitCode).toBe(0);
  });
});
