import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runTraceCommand } from '../../tools/trace/trace-command.js';
import { useTempDir } from '../support/temp-dir.js';
import { writeScenarioStore } from './span-store-fixture.js';

const tempDir = useTempDir('trace-command-');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTraceCommand(args, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    processEnv: {},
  });
  return { code, out, err };
}

describe('npm run trace', () => {
  it('prints an event waterfall (0)', async () => {
    await writeScenarioStore(tempDir());
    const { code, out, err } = await run(['e-3', '--data-dir', tempDir()]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('event e-3  order o-123 #3');
    expect(out).toContain('decision  applied at +553.0 ms');
    expect(out).toContain('stopped   no: every hop reached');
  });

  it('prints JSON with --json', async () => {
    await writeScenarioStore(tempDir());
    const { code, out } = await run(['e-q', '--json', '--data-dir', tempDir()]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      eventId: 'e-q',
      decisions: [{ decision: 'quarantined', objectKey: 'quarantine/2026/01/15/09/e-q.json' }],
    });
  });

  it('prints every event of an aggregate with --aggregate', async () => {
    await writeScenarioStore(tempDir());
    const { code, out } = await run(['--aggregate', 'order', 'o-123', '--data-dir', tempDir()]);
    expect(code).toBe(0);
    expect(out).toContain('aggregate order o-123: 5 event(s)');
    expect((await run(['--aggregate', 'order', 'o-9', '--data-dir', tempDir()])).code).toBe(1);
  });

  it('exits 1 for an unknown event and for a missing store, saying why', async () => {
    await writeScenarioStore(tempDir());
    const unknown = await run(['e-404', '--data-dir', tempDir()]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('event e-404 is not in the span store');
    const none = await run(['e-1', '--data-dir', join(tempDir(), 'never-ran')]);
    expect(none.code).toBe(1);
    expect(none.err).toContain('tracing is off or the stack never ran');
  });

  it('exits 2 for a bad command line, with the usage', async () => {
    for (const args of [[], ['a', 'b'], ['--aggregate', 'order'], ['--stack', 'dev', 'e-1']]) {
      const { code, err } = await run(args);
      expect(code).toBe(2);
      expect(err).toContain('Usage: npm run trace');
    }
    expect((await run(['--help'])).code).toBe(0);
  });

  it('is the trace script of package.json, with its exit code', { timeout: 30_000 }, async () => {
    await writeScenarioStore(tempDir());
    const exec = promisify(execFile);
    const ok = await exec('npx', ['tsx', 'tools/trace/trace-cli.ts', 'e-2', '--data-dir', tempDir()]);
    expect(ok.stdout).toContain('event e-2');
    await expect(
      exec('npx', ['tsx', 'tools/trace/trace-cli.ts', 'e-404', '--data-dir', tempDir()]),
    ).rejects.toMatchObject({ code: 1 });
  });
});
