import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError, resolveEnvironment } from '../../tools/environment/index.js';

const pulumiStackEnvironment = (stack: string, showSecrets = false) =>
  resolveEnvironment({ stack }, { showSecrets });

/** A stand-in `pulumi` executable first on PATH: it records its arguments and answers like `pulumi stack output --json`. */
describe('resolveEnvironment --stack', () => {
  let bin: string;
  const path = process.env.PATH;

  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'fake-pulumi-'));
    const outputs = JSON.stringify({
      region: 'eu-west-1',
      streamName: 'events-prod',
      tableName: 'aggregates-prod',
      bucketName: 'archive-prod-1a2b',
      archivePrefix: 'events/',
      busName: 'ordered-events-prod',
      eventSourcePrefix: 'pipeline',
      backfillStateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:backfill',
    });
    const script = `#!/bin/sh
echo "$@" > "${bin}/args"
case "$*" in *missing*) echo "error: no stack named 'missing' found" >&2; exit 255;; esac
echo '${outputs}'
`;
    await writeFile(join(bin, 'pulumi'), script);
    await chmod(join(bin, 'pulumi'), 0o755);
    process.env.PATH = `${bin}${delimiter}${path ?? ''}`;
  });

  afterAll(async () => {
    process.env.PATH = path;
    await rm(bin, { recursive: true, force: true });
  });

  it('reads the stack outputs through the pulumi CLI', async () => {
    const env = await pulumiStackEnvironment('prod');
    expect(env).toMatchObject({
      source: 'stack',
      name: 'pulumi stack prod',
      local: false,
      region: 'eu-west-1',
      streamName: 'events-prod',
      table: 'aggregates-prod',
      bucket: 'archive-prod-1a2b',
      busName: 'ordered-events-prod',
      backfillStateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:backfill',
    });
    expect(env.endpoints).toEqual({});
    expect((await readFile(join(bin, 'args'), 'utf8')).trim()).toBe('stack output --json --stack prod');
  });

  it('asks for secret outputs only when told to (load needs the ingest token)', async () => {
    await pulumiStackEnvironment('prod', true);
    expect((await readFile(join(bin, 'args'), 'utf8')).trim()).toBe(
      'stack output --json --show-secrets --stack prod',
    );
  });

  it('names the stack and the CLI error when the outputs cannot be read', async () => {
    const error = await pulumiStackEnvironment('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(/pulumi stack missing.*no stack named 'missing'/s);
  });
});
