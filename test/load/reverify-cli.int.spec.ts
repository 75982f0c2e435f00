import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../processors/envelope/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { writeFixtureEndpoints } from '../support/endpoints-fixture.js';
import { envelopeRecord, kinesisEvent } from '../support/kinesis-events.js';
import { orderHistory } from '../support/order-events.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';

function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'load/cli.ts', ...args],
      { cwd: join(import.meta.dirname, '..', '..'), timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

/** Archive key of an object written now (Firehose's UTC hour folders). */
function archiveKey(name: string): string {
  const d = new Date().toISOString();
  return `events/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(11, 13)}/${name}`;
}

// A finished run, as the pipeline holds it: its run file, projections written by the real processor, an archive
// with one unreadable object among complete ones, and the local bus queue file. `--verify` reads it all again.
describe('npm run load -- --verify <run file>', () => {
  let aws: LocalAwsFixture;
  let dir: string;
  let queue: string;
  let runFile: string;
  let events: Envelope[];

  beforeAll(async () => {
    aws = await startLocalAws();
    const table = await aws.createTable();
    dir = await mkdtemp(join(tmpdir(), 'load-reverify-'));
    queue = join(dir, 'order-events.ndjson');
    events = [...orderHistory('load-v-000000', 3), ...orderHistory('load-v-000001', 3)];
    await writeFixtureEndpoints(dir, aws, table, { 'order-events': queue });
    const sentAt = new Date().toISOString();
    runFile = join(dir, 'run.ndjson');
    await writeFile(
      runFile,
      events
        .map(
          (e, i) =>
            `${JSON.stringify({ aggregateId: e.aggregateId, sequence: e.sequence, eventId: e.eventId, lane: i % 2, attempt: 1, sentAt, respondedAt: sentAt, status: 202 })}\n`,
        )
        .join(''),
    );
    await processKinesisBatch(kinesisEvent(events.map((e) => envelopeRecord(e))), aws.deps(table).deps);
    const put = (key: string, body: Buffer) =>
      aws.s3Client.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: body }));
    await put(
      archiveKey('a.gz'),
      gzipSync(
        events
          .slice(0, 3)
          .map((e) => JSON.stringify(e))
          .join('\n'),
      ),
    );
    await put(archiveKey('b.gz'), Buffer.alloc(0));
    await put(
      archiveKey('c.gz'),
      gzipSync(
        events
          .slice(3)
          .map((e) => JSON.stringify(e))
          .join('\n'),
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the run verdict read again from the table, the archive and the bus queue', async () => {
    await writeFile(queue, events.map((e) => `${JSON.stringify({ detail: { envelope: e } })}\n`).join(''));
    const { code, stdout } = await runCli(['--verify', runFile, '--data-dir', dir]);
    expect(stdout).toContain('verify   PASS: projection 2/2, archive 6/6 (+0 dup), bus 6/6 (+0 dup)');
    expect(stdout).toMatch(/archive: unreadable, skipped: events\/.*\/b\.gz/);
    expect(code).toBe(0);
    const written = /written\s+(\S+)/.exec(stdout)?.[1] as string;
    expect(JSON.parse(await readFile(written, 'utf8'))).toMatchObject({
      events: { sent: 6, accepted: 6 },
      verification: { ok: true },
    });
  }, 60_000);

  it('fails, naming the aggregate, when an accepted event is missing from the bus', async () => {
    await writeFile(
      queue,
      events
        .slice(1)
        .map((e) => `${JSON.stringify({ detail: { envelope: e } })}\n`)
        .join(''),
    );
    const { code, stdout } = await runCli(['--verify', runFile, '--data-dir', dir]);
    expect(stdout).toContain('bus 5/6');
    expect(stdout).toMatch(/load-v-000000: bus: 1 accepted event\(s\) missing \(sequences 1\)/);
    expect(code).toBe(1);
  }, 60_000);

  it('exits 2 on a run file that is not one, or extra load options', async () => {
    const bad = join(dir, 'bad.ndjson');
    await writeFile(bad, 'nope\n{}\n');
    expect((await runCli(['--verify', bad, '--data-dir', dir])).code).toBe(2);
    const extra = await runCli(['--verify', runFile, '--rate', '5', '--data-dir', dir]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/--verify <run file> takes only/);
  }, 60_000);
});
