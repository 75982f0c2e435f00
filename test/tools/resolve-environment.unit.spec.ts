import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseEnvironmentSource,
  EnvironmentError,
  environmentFromStackOutputs,
  requireResources,
  resolveEnvironment,
} from '../../tools/environment/index.js';

const endpointsJson = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  endpoints: {
    kinesis: 'http://127.0.0.1:4567',
    dynamodb: 'http://127.0.0.1:4568',
    s3: 'http://127.0.0.1:4569',
    ingest: 'http://127.0.0.1:4570',
  },
  stream: { name: 'events', arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events' },
  table: 'aggregates',
  bucket: 'archive',
  bus: 'ordered-events',
  queues: { 'order-events': '/tmp/q.ndjson' },
  ingestToken: 'local-token',
};

describe('chooseEnvironmentSource', () => {
  it('defaults to the local stack in PIPELINE_DATA_DIR, else .local', () => {
    expect(chooseEnvironmentSource({}, {})).toEqual({ kind: 'data-dir', dataDir: resolve('.local') });
    expect(chooseEnvironmentSource({}, { PIPELINE_DATA_DIR: '/srv/p' })).toEqual({
      kind: 'data-dir',
      dataDir: '/srv/p',
    });
  });

  it.each([
    [{ dataDir: 'x', stack: 'dev' }, /--data-dir and --stack choose different environments/],
    [{ stack: 'dev', bucket: 'b' }, /--stack and --bucket choose different environments/],
    [{ dataDir: 'x', table: 't', stream: 's' }, /--data-dir and --stream\/--table choose/],
  ])('refuses two forms at once: %j', (flags, message) => {
    expect(() => chooseEnvironmentSource(flags, {})).toThrow(EnvironmentError);
    expect(() => chooseEnvironmentSource(flags, {})).toThrow(message);
  });

  it.each([
    [{ url: 'ftp://x' }, /--url: must be an http\(s\) URL/],
    [{ bucket: '' }, /--bucket: must not be empty/],
    [{ table: 'a b' }, /--table: must not contain spaces/],
    [{ stack: 'dev;rm' }, /--stack: "dev;rm" is not a stack name/],
  ])('names the flag of an invalid value: %j', (flags, message) => {
    expect(() => chooseEnvironmentSource(flags, {})).toThrow(message);
  });

  it('turns path-style S3 on by default exactly when an S3 endpoint override is in the environment', () => {
    const pathStyle = (env: NodeJS.ProcessEnv, s3PathStyle?: boolean) => {
      const source = chooseEnvironmentSource(
        { bucket: 'b', ...(s3PathStyle === undefined ? {} : { s3PathStyle }) },
        env,
      );
      return source.kind === 'explicit' ? source.s3PathStyle : undefined;
    };
    expect(pathStyle({})).toBe(false);
    expect(pathStyle({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' })).toBe(true);
    expect(pathStyle({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' })).toBe(true);
    expect(pathStyle({}, true)).toBe(true);
  });
});

describe('resolveEnvironment', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'env-'));
    await writeFile(join(dir, 'endpoints.json'), JSON.stringify({ ...endpointsJson, pid: 42 }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the local stack from --data-dir with its endpoints and credentials', async () => {
    const env = await resolveEnvironment({ dataDir: dir }, { processEnv: {} });
    expect(env).toMatchObject({
      source: 'data-dir',
      local: true,
      region: 'us-east-1',
      streamName: 'events',
      table: 'aggregates',
      bucket: 'archive',
      busName: 'ordered-events',
      archivePrefix: 'events/',
      ingest: { url: 'http://127.0.0.1:4570', token: 'local-token' },
      queues: { 'order-events': '/tmp/q.ndjson' },
      pid: 42,
    });
    expect(env.endpoints.s3).toBe('http://127.0.0.1:4569');
  });

  it('says where no local stack is, and how to choose another environment', async () => {
    await expect(resolveEnvironment({ dataDir: join(dir, 'none') })).rejects.toThrow(
      /no local stack at .*none.*--stack <name> or the explicit form/,
    );
  });

  it('takes the explicit form as given and leaves region, credentials and endpoints to the SDK', async () => {
    const env = await resolveEnvironment(
      { bucket: 'arch', table: 'agg', url: 'https://api.example.com' },
      { processEnv: { PIPELINE_INGEST_TOKEN: 'tok' } },
    );
    expect(env).toMatchObject({
      source: 'explicit',
      local: false,
      bucket: 'arch',
      table: 'agg',
      archivePrefix: 'events/',
      sourcePrefix: 'pipeline',
      ingest: { url: 'https://api.example.com', token: 'tok' },
    });
    expect(env.region).toBeUndefined();
    expect(env.credentials).toBeUndefined();
    expect(env.endpoints).toEqual({});
    expect(env.streamName).toBeUndefined();
  });
});

describe('stack outputs', () => {
  it('maps the outputs of pulumi/index.ts and names a malformed one', () => {
    const env = environmentFromStackOutputs('dev', {
      region: 'eu-west-1',
      streamName: 's',
      tableName: 't',
      bucketName: 'b',
      busName: 'bus',
      archivePrefix: 'events/',
    });
    expect(env).toMatchObject({ local: false, table: 't', bucket: 'b', sourcePrefix: 'pipeline' });
    expect(() => environmentFromStackOutputs('dev', { region: 'x', tableName: 7 })).toThrow(
      /pulumi stack dev's outputs: output "tableName"/,
    );
    expect(() => environmentFromStackOutputs('dev', {})).toThrow(/output "region"/);
  });
});

describe('requireResources', () => {
  it('names the command and the flag or stack output the chosen environment lacks', async () => {
    const explicit = await resolveEnvironment({ table: 'agg' }, { processEnv: {} });
    expect(() => requireResources(explicit, 'archive verify', ['bucket'])).toThrow(
      'archive verify needs --bucket: the explicit form must name it',
    );
    const stack = environmentFromStackOutputs('dev', { region: 'eu-west-1', tableName: 't' });
    expect(() => requireResources(stack, 'replay --target stream', ['bucket', 'streamName'])).toThrow(
      'replay --target stream needs --bucket and --stream: pulumi stack dev has no output bucketName, streamName',
    );
    expect(requireResources(stack, 'aggregates', ['table']).table).toBe('t');
  });
});
