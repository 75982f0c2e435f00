import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFilePrivate, withoutIngestToken, writePrivateJsonFile } from '../../local/endpoints/index.js';
import { useTempDir } from '../support/temp-dir.js';

const dir = useTempDir('private-file-');

describe.runIf(process.platform !== 'win32')('owner-only files', () => {
  it('writes JSON 0600 even over a world-readable file', async () => {
    const file = join(dir(), 'secret.json');
    await writeFile(file, '{}', { mode: 0o644 });
    await chmod(file, 0o644);
    await writePrivateJsonFile(file, { token: 'x' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('makes an existing readable file private once', async () => {
    const file = join(dir(), 'old.json');
    await writeFile(file, '{}');
    await chmod(file, 0o644);
    expect(await makeFilePrivate(file)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await makeFilePrivate(file)).toBe(false);
    expect(await makeFilePrivate(join(dir(), 'missing.json'))).toBe(false);
  });
});

it('prints endpoints without the token', () => {
  const printable = withoutIngestToken({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    endpoints: { kinesis: 'http://x', dynamodb: 'http://x', s3: 'http://x', ingest: 'http://x' },
    stream: { name: 's', arn: 'a' },
    table: 't',
    bucket: 'b',
    bus: 'bus',
    queues: {},
    ingestToken: 'very-secret-token',
  });
  expect(JSON.stringify(printable)).not.toContain('very-secret-token');
});
