/**
 * The replay CLI runs in its own process; against a local stack with tracing on it sends its `replay <target>` spans
 * to the stack's OTLP receiver (endpoints.otlp), so `npm run trace` shows the replay of an event (docs/tracing.md).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIngestEndpoint, postEvents } from '../../local/ingest/index.js';
import { type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import type { EventWaterfall } from '../../tools/trace/event-waterfall.js';
import { runTraceCommand } from '../../tools/trace/trace-command.js';
import { tempDataDir, waitUntil } from '../stack/stack-fixture.js';
import { orderHistory } from '../support/order-events.js';

const root = join(import.meta.dirname, '..', '..');

function replayCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { PIPELINE_DATA_DIR: _d, OTEL_EXPORTER_OTLP_COMPRESSION: _c, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/replay/replay-cli.ts', ...args],
      { cwd: root, env, timeout: 90_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : Number((error as { code?: number }).code ?? 1),
          stdout,
          stderr,
        }),
    );
  });
}

async function trace(dataDir: string, eventId: string): Promise<EventWaterfall | undefined> {
  let out = '';
  const code = await runTraceCommand([eventId, '--data-dir', dataDir, '--json'], {
    out: (text) => {
      out += text;
    },
    err: () => {},
  });
  return code === 0 ? (JSON.parse(out) as EventWaterfall) : undefined;
}

describe('replay CLI tracing into a local stack', () => {
  let dataDir: string;
  let stack: RunningLocalStack | undefined;
  const history = orderHistory(`replayed-${Date.now().toString(36)}`, 3);
  let cli: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    dataDir = await tempDataDir();
    stack = await startLocalStack({
      dataDir,
      shards: 1,
      quiet: true,
      logLevel: 'SILENT',
      archiveBufferIntervalSeconds: 1,
    });
    const started = stack;
    const from = new Date(Date.now() - 60_000).toISOString();
    const response = await postEvents(localIngestEndpoint(started.endpoints), history);
    expect(response.status).toBe(202);
    await waitUntil('the events to be archived', () => started.stats().archived >= history.length);
    cli = await replayCli([
      '--data-dir',
      dataDir,
      '--from',
      from,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
      '--target',
      'stream',
      '--yes',
      '--json',
    ]);
    // The replayed copies come back through the stream as duplicates.
    await waitUntil('the replayed records to be read', () => started.stats().duplicates >= history.length);
    await started.stop();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('the CLI replays every archived event to the stream', () => {
    expect(cli.stderr).not.toMatch(/spans could not be sent/);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ sent: history.length, failed: 0 });
  });

  it('npm run trace shows a replay row for each replayed event, recorded by the stack from the CLI process', async () => {
    for (const event of history) {
      const waterfall = await trace(dataDir, event.eventId);
      expect(waterfall?.rows.map((row) => row.hop)).toContain('replay');
      const replay = waterfall?.rows.find((row) => row.hop === 'replay');
      expect(replay?.detail).toMatch(/^run [0-9a-f-]{36}$/);
    }
  });
});
