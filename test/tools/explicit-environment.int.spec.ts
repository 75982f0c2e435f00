/**
 * The tools against a second emulator process with the explicit form only: no local stack, no endpoints.json. The
 * endpoints reach the SDK as AWS_ENDPOINT_URL_<SERVICE> variables, which the SDK reads itself
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreClients } from '../../load/store-clients.js';
import { resolveLoadTarget } from '../../load/target.js';
import { firehoseObjectKey } from '../../local/firehose/object-key.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { aggregateTableDefinition } from '../../processors/store/table-definition.js';
import { LOCAL_CREDENTIALS } from '../support/aws-clients.js';
import { orderHistory } from '../support/order-events.js';

const root = join(import.meta.dirname, '..', '..');
const STREAM = 'explicit-events';
const TABLE = 'explicit-aggregates';
const BUCKET = 'explicit-archive';
const credentials = LOCAL_CREDENTIALS;

let emulators: ChildProcess;
let endpoints: { kinesis: string; dynamodb: string; s3: string };
let dataDir: string;
let toolEnv: NodeJS.ProcessEnv;
const arrived = new Date(Date.now() - 20 * 60_000);
const from = new Date(arrived.getTime() - 10 * 60_000).toISOString();
const to = new Date(arrived.getTime() + 10 * 60_000).toISOString();
const orders = [orderHistory('ex-1', 5), orderHistory('ex-2', 4)].flat();

function tool(
  script: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: root, env: toolEnv, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : Number((error as { code?: number }).code ?? 1),
          stdout,
          stderr,
        }),
    );
  });
}

async function putArchiveObject(s3: S3Client, at: Date, lines: readonly (Envelope | string)[], n: number) {
  const key = firehoseObjectKey({
    prefix: 'events/',
    deliveryStreamName: 'archive',
    deliveryStreamVersion: 1,
    timestamp: at,
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  });
  const body = gzipSync(`${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** kinesalite speaks HTTP/1.1 only; the Kinesis client defaults to HTTP/2. */
const kinesisClient = () =>
  new KinesisClient({
    region: 'us-east-1',
    credentials,
    endpoint: endpoints.kinesis,
    requestHandler: new NodeHttpHandler(),
  });

async function streamRecords(kinesis: KinesisClient): Promise<Envelope[]> {
  const shards = (await kinesis.send(new DescribeStreamCommand({ StreamName: STREAM }))).StreamDescription
    ?.Shards;
  const out: Envelope[] = [];
  for (const shard of shards ?? []) {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: STREAM,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let i = 0; i < 10 && iterator !== undefined; i++) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const r of page.Records ?? []) out.push(JSON.parse(Buffer.from(r.Data as Uint8Array).toString()));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

beforeAll(async () => {
  emulators = spawn(process.execPath, ['--import', 'tsx', 'test/tools/emulator-process.ts'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: emulators.stdout as NodeJS.ReadableStream });
    lines.once('line', resolve);
    emulators.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
  });
  endpoints = JSON.parse(firstLine);
  dataDir = await mkdtemp(join(tmpdir(), 'explicit-env-'));
  const clientBase = { region: 'us-east-1', credentials };
  const kinesis = kinesisClient();
  const dynamodb = new DynamoDBClient({ ...clientBase, endpoint: endpoints.dynamodb });
  const s3 = new S3Client({
    ...clientBase,
    endpoint: endpoints.s3,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  await dynamodb.send(new CreateTableCommand(aggregateTableDefinition(TABLE)));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // At-least-once: ex-1's first two events arrive twice; Firehose archives a poison line as it came.
  await putArchiveObject(s3, arrived, [...orders, 'this is not json'], 1);
  await putArchiveObject(s3, new Date(arrived.getTime() + 60_000), orders.slice(0, 2), 2);
  kinesis.destroy();
  dynamodb.destroy();
  s3.destroy();
  const { PIPELINE_INGEST_TOKEN: _t, AWS_PROFILE: _p, ...rest } = process.env;
  toolEnv = {
    ...rest,
    // No endpoints.json anywhere: the data dir does not even exist (replay's default checkpoint goes there).
    PIPELINE_DATA_DIR: join(dataDir, 'not-created'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
  };
}, 60_000);

afterAll(async () => {
  emulators?.stdin?.end();
  emulators?.kill('SIGTERM');
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** `npm run archive -- verify` with these flags. */
function verifyArchive(args: readonly string[]): ReturnType<typeof tool> {
  return tool('tools/replay/archive-cli.ts', ['verify', ...args]);
}

/** `npm run replay` of the fixture's archived range from the explicit bucket, confirmed in advance. */
function replayArchive(args: readonly string[]): ReturnType<typeof tool> {
  return tool('tools/replay/replay-cli.ts', [
    '--from',
    from,
    '--to',
    to,
    '--bucket',
    BUCKET,
    '--yes',
    ...args,
  ]);
}

describe('the explicit form against a second emulator process', () => {
  it('archive verify: duplicates and the poison line are information, the archive is OK', async () => {
    const { code, stdout, stderr } = await verifyArchive(['--from', from, '--to', to, '--bucket', BUCKET]);
    expect(stderr).not.toMatch(/archive:/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 objects, 12 lines, 2 aggregates, 9 distinct events/);
    expect(stdout).toMatch(/duplicates: 2;.*bad lines: 1/);
    expect(stdout.trim().endsWith('OK')).toBe(true);
  });

  it('archive verify of a range without objects says so and exits 3', async () => {
    const { code, stdout } = await verifyArchive([
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-01-01T01:00:00Z',
      '--bucket',
      BUCKET,
    ]);
    expect(code).toBe(3);
    expect(stdout).toMatch(/EMPTY: no archive objects/);
  });

  it('names what a command needs and refuses two forms at once', async () => {
    const noBucket = await verifyArchive(['--from', from, '--table', TABLE]);
    expect(noBucket.code).toBe(2);
    expect(noBucket.stderr).toMatch(/archive verify needs --bucket: the explicit form must name it/);
    const both = await verifyArchive(['--from', from, '--stack', 'dev', '--bucket', BUCKET]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--stack and --bucket choose different environments/);
  });

  it('replay --target stream puts each distinct event once, and saves its default checkpoint', async () => {
    const { code, stderr, stdout } = await replayArchive([
      '--target',
      'stream',
      '--stream',
      STREAM,
      '--json',
    ]);
    expect(stderr).not.toMatch(/ENOENT/);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ sent: 9, archiveDuplicates: 2, failed: 0 });
    expect(existsSync(join(dataDir, 'not-created', 'replay-checkpoint.json'))).toBe(true);
    const kinesis = kinesisClient();
    const records = await streamRecords(kinesis);
    kinesis.destroy();
    expect(records.map((e) => e.eventId).sort()).toEqual(orders.map((e) => e.eventId).sort());
  });

  it('replay --target projection folds into the table; aggregates reads it back', async () => {
    const replay = await replayArchive([
      '--target',
      'projection',
      '--table',
      TABLE,
      '--checkpoint',
      join(dataDir, 'projection.json'),
      '--json',
    ]);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ sent: 9, failed: 0 });
    const show = await tool('tools/aggregates/aggregates-cli.ts', [
      'show',
      'order',
      'ex-1',
      '--table',
      TABLE,
      '--json',
    ]);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).snapshot).toMatchObject({ version: 5 });
    const stalled = await tool('tools/aggregates/aggregates-cli.ts', ['stalled', '--table', TABLE, '--json']);
    expect(stalled.code).toBe(0);
    expect(JSON.parse(stalled.stdout)).toEqual([]);
  });

  it('a missing table is named, with --create-table for replay and the environment flags for aggregates', async () => {
    const replay = await replayArchive([
      '--target',
      'projection',
      '--projection-table',
      'no-such-table',
      '--checkpoint',
      join(dataDir, 'missing.json'),
    ]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toMatch(/table no-such-table does not exist .*pass --create-table/);
    const aggregates = await tool('tools/aggregates/aggregates-cli.ts', [
      'stalled',
      '--table',
      'no-such-table',
    ]);
    expect(aggregates.code).toBe(1);
    expect(aggregates.stderr).toMatch(/table no-such-table does not exist .*--table, --stack or --data-dir/);
  });

  it('load resolves the explicit form and reads the stores through the SDK’s environment', async () => {
    const target = await resolveLoadTarget(
      {
        kind: 'explicit',
        environment: { url: 'http://127.0.0.1:1/', token: 'tok', table: TABLE, bucket: BUCKET },
      },
      { processEnv: toolEnv },
    );
    expect(target).toMatchObject({ kind: 'explicit', eventsUrl: 'http://127.0.0.1:1/events', token: 'tok' });
    expect(target.stores).toMatchObject({ table: TABLE, bucket: BUCKET, s3Compatible: true });
    expect(target.stores?.endpoints).toBeUndefined();
    // The clients get no endpoint from the tool: the SDK reads AWS_ENDPOINT_URL_<SERVICE> from the process.
    const saved = { ...process.env };
    Object.assign(process.env, toolEnv);
    const clients = createStoreClients(target.stores as NonNullable<typeof target.stores>);
    try {
      const listed = await clients.s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'events/' }));
      expect(listed.Contents).toHaveLength(2);
      const scanned = await clients.dynamodb.send(new ScanCommand({ TableName: TABLE }));
      expect(scanned.Count).toBeGreaterThan(0);
    } finally {
      clients.destroy();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
