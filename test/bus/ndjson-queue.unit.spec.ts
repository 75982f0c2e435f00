import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NdjsonQueue, repairQueueTail } from '../../local/bus/ndjson-queue.js';
import { useTempDir } from '../support/temp-dir.js';

const dir = useTempDir('ndjson-queue-');

describe('a queue file after a crash', () => {
  it('keeps a last message that lost only its newline', async () => {
    const file = join(dir(), 'newline-lost.ndjson');
    await writeFile(file, '{"id":"1"}\n{"id":"2"}');
    const repairs: string[] = [];
    const queue = await NdjsonQueue.open<{ id: string }>(file, { onRepair: (r) => repairs.push(r.kind) });
    expect(await queue.read()).toEqual([{ id: '1' }, { id: '2' }]);
    await queue.append([{ id: '3' }]);
    expect((await queue.read()).map((m) => m.id)).toEqual(['1', '2', '3']);
    expect(repairs).toEqual(['completed']);
  });

  it('moves a torn last line aside, naming where, and appends on a clean line', async () => {
    const file = join(dir(), 'torn.ndjson');
    await writeFile(file, '{"id":"1"}\n{"id":"2","amount":12');
    const repair = await repairQueueTail(file, () => new Date('2026-01-02T03:04:05.678Z'));
    expect(repair).toMatchObject({ kind: 'moved-aside', movedTo: `${file}.torn-2026-01-02T03-04-05-678Z` });
    expect(repair?.message).toContain(repair?.kind === 'moved-aside' ? repair.movedTo : '?');
    expect(await readFile(`${file}.torn-2026-01-02T03-04-05-678Z`, 'utf8')).toBe('{"id":"2","amount":12');
    const queue = await NdjsonQueue.open<{ id: string }>(file);
    await queue.append([{ id: '3' }]);
    expect((await queue.read()).map((m) => m.id)).toEqual(['1', '3']);
  });

  it('leaves a whole file alone', async () => {
    const file = join(dir(), 'whole.ndjson');
    await writeFile(file, '{"id":"1"}\n');
    expect(await repairQueueTail(file)).toBeUndefined();
    expect(await repairQueueTail(join(dir(), 'absent.ndjson'))).toBeUndefined();
    expect((await readdir(dir())).filter((name) => name.startsWith('whole'))).toEqual(['whole.ndjson']);
  });
});
