import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { JsonFileError, readJsonFile, writeJsonFile } from '../../processors/files/index.js';

/** A fresh directory for this test, removed when it ends. */
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'json-file-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('Function: writeJsonFile', () => {
  it('writes indented JSON with a final newline, creating the directory, and reads it back', async () => {
    const dir = await scratch();
    const file = join(dir, 'nested', 'state.json');
    await writeJsonFile(file, { a: 1, b: ['x'] });
    expect(await readFile(file, 'utf8')).toBe('{\n  "a": 1,\n  "b": [\n    "x"\n  ]\n}\n');
    expect(await readJsonFile(file)).toEqual({ a: 1, b: ['x'] });
  });

  it('writes one line with indent 0 and with fsync', async () => {
    const dir = await scratch();
    const file = join(dir, 'line.json');
    await writeJsonFile(file, { a: 1 }, { indent: 0, fsync: true });
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n');
  });

  it('gives the file the mode asked for, whatever the umask and the mode of the file it replaces', async () => {
    const dir = await scratch();
    const file = join(dir, 'secret.json');
    await writeFile(file, '{}\n', { mode: 0o644 });
    const umask = process.umask(0);
    try {
      await writeJsonFile(file, { token: 't' }, { mode: 0o600 });
    } finally {
      process.umask(umask);
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readJsonFile(file)).toEqual({ token: 't' });
  });

  it('replaces the file whole and leaves no temporary file, even with writes in flight together', async () => {
    const dir = await scratch();
    const file = join(dir, 'state.json');
    await Promise.all(Array.from({ length: 20 }, (_, n) => writeJsonFile(file, { n })));
    const { n } = (await readJsonFile(file)) as { n: number };
    expect(n).toBeGreaterThanOrEqual(0);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('keeps the old content when the write fails', async () => {
    const dir = await scratch();
    const file = join(dir, 'state.json');
    await writeJsonFile(file, { v: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(writeJsonFile(file, cyclic)).rejects.toThrow(TypeError);
    await expect(
      writeJsonFile(join(dir, 'state.json', 'below-a-file.json'), {}, { createDirectory: false }),
    ).rejects.toThrow();
    expect(await readJsonFile(file)).toEqual({ v: 1 });
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});

describe('Function: readJsonFile', () => {
  it('returns undefined for a missing file', async () => {
    const dir = await scratch();
    expect(await readJsonFile(join(dir, 'missing.json'))).toBeUndefined();
  });

  it('names the file when it is not JSON', async () => {
    const dir = await scratch();
    const file = join(dir, 'half.json');
    await writeFile(file, '{"a":');
    const error = await readJsonFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonFileError);
    expect((error as JsonFileError).file).toBe(file);
    expect((error as Error).message).toContain(file);
  });

  it('rethrows other I/O errors as they are', async () => {
    const dir = await scratch();
    await expect(readJsonFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
