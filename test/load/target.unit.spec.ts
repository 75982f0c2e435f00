import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadTargetError } from '../../load/errors.js';
import { resolveLoadTarget } from '../../load/target.js';

const stackOutputs = {
  region: 'eu-west-1',
  streamName: 'events-dev',
  tableName: 'aggregates-dev',
  bucketName: 'archive-dev',
  busName: 'bus-dev',
  ingestUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/',
  ingestToken: 'secret-token',
  queues: { 'order-events': 'https://sqs.eu-west-1.amazonaws.com/123456789012/order-events' },
};

describe('resolveLoadTarget', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-target-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a stack’s ingest URL, secret token, stores and SQS queue', async () => {
    const calls: string[][] = [];
    const target = await resolveLoadTarget(
      { kind: 'stack', environment: { stack: 'dev' } },
      {
        processEnv: {},
        pulumi: async (args) => {
          calls.push([...args]);
          return JSON.stringify(stackOutputs);
        },
      },
    );
    expect(calls).toEqual([['stack', 'output', '--json', '--show-secrets', '--stack', 'dev']]);
    expect(target).toMatchObject({
      kind: 'stack',
      description: 'pulumi stack dev',
      eventsUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/events',
      token: 'secret-token',
      stores: {
        region: 'eu-west-1',
        table: 'aggregates-dev',
        bucket: 'archive-dev',
        busQueue: { kind: 'sqs', url: stackOutputs.queues['order-events'] },
      },
    });
    expect(target.stores?.endpoints).toBeUndefined();
  });

  it('without table and bucket the explicit form sends but cannot verify', async () => {
    const target = await resolveLoadTarget(
      { kind: 'explicit', environment: { url: 'https://api.example.com' } },
      { processEnv: { PIPELINE_INGEST_TOKEN: 'from-env' } },
    );
    expect(target).toMatchObject({ token: 'from-env', stores: undefined });
  });

  it.each([
    [{ url: 'https://api.example.com' }, /load needs the ingest token/],
    [{ bucket: 'b' }, /load needs --url: the explicit form must name it/],
  ])('names what the explicit form lacks: %j', async (environment, message) => {
    const error = await resolveLoadTarget({ kind: 'explicit', environment }, { processEnv: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadTargetError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a local stack whose process is gone', async () => {
    await writeFile(
      join(dir, 'endpoints.json'),
      JSON.stringify({
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        endpoints: {
          kinesis: 'http://127.0.0.1:1',
          dynamodb: 'http://127.0.0.1:2',
          s3: 'http://127.0.0.1:3',
          ingest: 'http://127.0.0.1:4',
        },
        stream: { name: 's', arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' },
        table: 't',
        bucket: 'b',
        bus: 'bus',
        queues: {},
        ingestToken: 'tok',
        pid: 2 ** 22 + 12345,
      }),
    );
    await expect(
      resolveLoadTarget({ kind: 'local', environment: { dataDir: dir } }, { processEnv: {} }),
    ).rejects.toThrow(/is not running \(pid \d+ is gone\): start it with npm start/);
  });
});
